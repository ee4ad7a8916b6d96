import * as asn1js from 'asn1js';
import { concat } from './bytes.js';
import { TAG } from './tags.js';

/**
 * Minimal DER writing (ITU-T X.690 §8.1, §10); the matching reader is der-reader.ts.
 *
 * Signing works on raw element bytes rather than on decoded object trees so that everything we do
 * not deliberately change (certificates, signed attributes, an existing primary signature when
 * countersigning) keeps its exact bytes: one re-encoded byte in a signed region breaks a signature.
 */

export function encodeTlv(tag: number, content: Uint8Array): Uint8Array {
  const length = content.length;
  let header: number[];
  if (length < 0x80) {
    header = [tag, length];
  } else {
    const octets: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest & 0xff);
    header = [tag, 0x80 | octets.length, ...octets];
  }
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

export function sequence(...items: Uint8Array[]): Uint8Array {
  return encodeTlv(TAG.sequence, concat(items));
}

/** `SET OF`: DER orders the elements by their encodings (X.690 §11.6). */
export function setOf(items: readonly Uint8Array[], tag: number = TAG.set): Uint8Array {
  return encodeTlv(tag, concat(sortDer(items)));
}

/** Orders encodings as DER `SET OF` requires: shorter one padded with zeros, byte by byte. */
export function sortDer(items: readonly Uint8Array[]): Uint8Array[] {
  return [...items].sort(compareDer);
}

function compareDer(a: Uint8Array, b: Uint8Array): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export function objectIdentifier(oid: string): Uint8Array {
  return new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER(false));
}

export function octetString(value: Uint8Array): Uint8Array {
  return encodeTlv(TAG.octetString, value);
}

/** A small non-negative INTEGER (versions). */
export function smallInteger(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 127) throw new RangeError('unsupported');
  return encodeTlv(TAG.integer, Uint8Array.of(value));
}

/** `AlgorithmIdentifier` with parameters absent, as the reference writes digest and RSA OIDs. */
export function algorithmIdentifier(oid: string): Uint8Array {
  return sequence(objectIdentifier(oid));
}
