/**
 * The fuzzing oracle: an independent, in-memory reading of what a package's signature covers, so
 * a mutated package can be judged without trusting the code under test. It re-implements NuGet's
 * package hash (nuget-signing-spec.md §3), the signature-entry rules (§1.2) and a minimal DER walk
 * of the CMS, and reduces a package to a "signed fingerprint". A mutation that leaves the
 * fingerprint unchanged may legitimately keep the package valid; any other mutation must not.
 */
import { createHash } from 'node:crypto';

const SIGNATURE_NAME = Buffer.from('.signature.p7s', 'ascii');
const EOCD = 0x06054b50;
const CDH = 0x02014b50;
const LFH = 0x04034b50;

const OID_TIMESTAMP = '1.2.840.113549.1.9.16.2.14';
const OID_COUNTERSIGNATURE = '1.2.840.113549.1.9.6';

interface CdRecord {
  position: number;
  headerSize: number;
  offset: number;
  isSignature: boolean;
  flags: number;
  method: number;
  compressed: number;
  uncompressed: number;
  external: number;
}

/** What the signature binds, read from a package's bytes; `undefined` parts could not be read. */
export interface SignedFingerprint {
  /** NuGet's package hash of the archive (hex), or undefined when it cannot be computed. */
  readonly packageHash: string | undefined;
  /** The signature entry obeys §1.2 (exactly one, stored, flags 0, sizes equal, LFH present). */
  readonly entryWellFormed: boolean;
  /** eContent + primary SignerInfo without unsignedAttrs (hex digest), undefined if unreadable. */
  readonly primary: string | undefined;
  /** Digests of the signed parts of every timestamp token and countersignature present. */
  readonly nested: readonly string[];
  /** Digests of the primary's own timestamp tokens (first one is the one NuGet uses). */
  readonly primaryTimestamps: readonly string[];
  /** Digests of all certificates in SignedData.certificates. */
  readonly certificates: readonly string[];
}

const digest = (...parts: Buffer[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

/** The digest the fingerprint uses for a certificate. */
export function certificateDigest(der: Uint8Array): string {
  return digest(Buffer.from(der));
}

/** Reads the central directory as NuGet's raw reader does (§3.1 steps 1–2). */
function readCentralDirectory(zip: Buffer): { records: CdRecord[]; eocdAt: number } | undefined {
  let eocdAt = -1;
  for (let i = zip.length - 22; i >= 0; i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocdAt = i;
      break;
    }
  }
  if (eocdAt < 0) return undefined;
  let at = zip.readUInt32LE(eocdAt + 16);
  const records: CdRecord[] = [];
  while (at + 46 <= zip.length && zip.readUInt32LE(at) === CDH) {
    const nameLength = zip.readUInt16LE(at + 28);
    const headerSize = 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (at + headerSize > zip.length) break;
    const flags = zip.readUInt16LE(at + 8);
    const name = zip.subarray(at + 46, at + 46 + nameLength);
    records.push({
      position: at,
      headerSize,
      offset: zip.readUInt32LE(at + 42),
      isSignature: (flags & 0x800) === 0 && name.equals(SIGNATURE_NAME),
      flags,
      method: zip.readUInt16LE(at + 10),
      compressed: zip.readUInt32LE(at + 20),
      uncompressed: zip.readUInt32LE(at + 24),
      external: zip.readUInt32LE(at + 38),
    });
    at += headerSize;
  }
  return records.length > 0 ? { records, eocdAt } : undefined;
}

/** NuGet's package hash (§3.2), from the spec text; undefined where NuGet would fail (NU3008). */
export function referencePackageHash(zip: Buffer, algorithm: string): string | undefined {
  const cd = readCentralDirectory(zip);
  if (!cd) return undefined;
  const { records } = cd;
  const signatures = records.filter((r) => r.isSignature);
  if (signatures.length !== 1) return undefined;
  const signature = signatures[0] as CdRecord;
  const startOfLocal = Math.min(...records.map((r) => r.offset));
  const startOfCd = Math.min(...records.map((r) => r.position));
  const last = records[records.length - 1] as CdRecord;
  const end = last.position + last.headerSize;
  if (end + 22 > zip.length) return undefined;
  const sorted = [...records].sort((a, b) => a.offset - b.offset);
  const sizes = new Map<CdRecord, number>();
  sorted.forEach((r, i) => sizes.set(r, (sorted[i + 1]?.offset ?? startOfCd) - r.offset));
  for (const r of sorted) {
    const size = sizes.get(r) as number;
    if (size < 0 || r.offset + size > zip.length) return undefined;
  }
  const hash = createHash(algorithm);
  hash.update(zip.subarray(0, startOfLocal));
  const adjusted = new Map<CdRecord, number>();
  let running = 0;
  for (const r of sorted) {
    if (r === signature) continue;
    adjusted.set(r, running);
    const size = sizes.get(r) as number;
    running += size;
    hash.update(zip.subarray(r.offset, r.offset + size));
  }
  const u32 = Buffer.alloc(4);
  for (const r of records) {
    if (r === signature) continue;
    hash.update(zip.subarray(r.position, r.position + 42));
    u32.writeUInt32LE((adjusted.get(r) as number) >>> 0);
    hash.update(u32);
    hash.update(zip.subarray(r.position + 46, r.position + r.headerSize));
  }
  const eocd = Buffer.from(zip.subarray(end, end + 20));
  eocd.writeUInt16LE((eocd.readUInt16LE(8) - 1) & 0xffff, 8);
  eocd.writeUInt16LE((eocd.readUInt16LE(10) - 1) & 0xffff, 10);
  eocd.writeUInt32LE((eocd.readUInt32LE(12) - signature.headerSize) >>> 0, 12);
  eocd.writeUInt32LE((eocd.readUInt32LE(16) - (sizes.get(signature) as number)) >>> 0, 16);
  hash.update(eocd);
  hash.update(zip.subarray(end + 20));
  return hash.digest('hex');
}

/** The signature bytes as NuGet reads them (§1.2), and whether the entry obeys its rules. */
export function referenceSignatureEntry(zip: Buffer): { bytes?: Buffer; wellFormed: boolean } {
  const cd = readCentralDirectory(zip);
  const signatures = cd?.records.filter((r) => r.isSignature) ?? [];
  if (signatures.length !== 1) return { wellFormed: false };
  const r = signatures[0] as CdRecord;
  if (r.offset + 30 > zip.length || zip.readUInt32LE(r.offset) !== LFH)
    return { wellFormed: false };
  const localFlags = zip.readUInt16LE(r.offset + 6);
  const localMethod = zip.readUInt16LE(r.offset + 8);
  const localCompressed = zip.readUInt32LE(r.offset + 18);
  const length = zip.readUInt32LE(r.offset + 22);
  const start = r.offset + 30 + zip.readUInt16LE(r.offset + 26) + zip.readUInt16LE(r.offset + 28);
  const wellFormed =
    r.flags === 0 &&
    r.method === 0 &&
    r.compressed === r.uncompressed &&
    r.external === 0 &&
    localFlags === 0 &&
    localMethod === 0 &&
    localCompressed === length &&
    start + length <= zip.length;
  return wellFormed ? { bytes: zip.subarray(start, start + length), wellFormed } : { wellFormed };
}

// ---- a minimal DER walker (definite lengths only) ---------------------------------------------

interface Tlv {
  tag: number;
  /** Whole element. */
  raw: Buffer;
  /** Contents. */
  body: Buffer;
}

function readTlv(buffer: Buffer, at: number): Tlv | undefined {
  if (at + 2 > buffer.length) return undefined;
  const tag = buffer[at] as number;
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers do not occur in CMS
  let length = buffer[at + 1] as number;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || at + 2 + count > buffer.length) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (buffer[at + 2 + i] as number);
    header += count;
  }
  if (at + header + length > buffer.length) return undefined;
  return {
    tag,
    raw: buffer.subarray(at, at + header + length),
    body: buffer.subarray(at + header, at + header + length),
  };
}

function children(tlv: Tlv | undefined): Tlv[] {
  if (!tlv || (tlv.tag & 0x20) === 0) return [];
  const out: Tlv[] = [];
  for (let at = 0; at < tlv.body.length;) {
    const child = readTlv(tlv.body, at);
    if (!child) throw new Error('malformed');
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

function oidText(tlv: Tlv | undefined): string {
  if (!tlv || tlv.tag !== 0x06 || tlv.body.length === 0) throw new Error('not an OID');
  const parts: number[] = [];
  let value = 0;
  for (const byte of tlv.body) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() as number;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

interface SignedDataView {
  eContent: Buffer;
  certificates: Tlv[];
  signerInfos: Tlv[];
}

function signedData(bytes: Buffer): SignedDataView {
  const root = readTlv(bytes, 0);
  if (!root || root.raw.length !== bytes.length || root.tag !== 0x30) throw new Error('root');
  const [, wrapper] = children(root);
  const [sd] = children(wrapper);
  const fields = children(sd);
  const encap = fields[2];
  const [, eContentWrapper] = children(encap);
  const [eContent] = children(eContentWrapper);
  const certificateSet = fields.slice(3, -1).find((f) => f.tag === 0xa0);
  const signerInfoSet = fields[fields.length - 1];
  if (!eContent || (eContent.tag & 0xdf) !== 0x04 || signerInfoSet?.tag !== 0x31)
    throw new Error('signedData');
  return {
    // BER constructed OCTET STRING (pkijs writes TSTInfo that way): the concatenated segments.
    eContent:
      eContent.tag === 0x04 ? eContent.body : Buffer.concat(children(eContent).map((c) => c.body)),
    certificates: children(certificateSet),
    signerInfos: children(signerInfoSet),
  };
}

/**
 * The parts of a SignerInfo the signature check depends on — digestAlgorithm, signedAttrs,
 * signatureAlgorithm, signature — plus the tokens its unsigned attributes hold. version and sid
 * are not signed (the signing-certificate attribute binds the certificate), so they are left out.
 */
function signerParts(signerInfo: Tlv): { signed: Buffer[]; unsigned: Map<string, Tlv[]> } {
  const fields = children(signerInfo);
  const unsigned = new Map<string, Tlv[]>();
  const signed: Buffer[] = [];
  for (const field of fields.slice(2)) {
    if (field.tag !== 0xa1) {
      signed.push(field.raw);
      continue;
    }
    for (const attribute of children(field)) {
      const [type, values] = children(attribute);
      const oid = oidText(type);
      unsigned.set(oid, [...(unsigned.get(oid) ?? []), ...children(values)]);
    }
  }
  return { signed, unsigned };
}

function timestampDigest(token: Tlv): string {
  const view = signedData(token.raw);
  const signer = view.signerInfos[0];
  if (!signer) throw new Error('token');
  return digest(view.eContent, ...signerParts(signer).signed);
}

/** Reduces a package to what its signature binds; never throws. */
export function signedFingerprint(zip: Buffer, hashAlgorithm: string): SignedFingerprint {
  const entry = referenceSignatureEntry(zip);
  const empty = {
    packageHash: referencePackageHash(zip, hashAlgorithm),
    entryWellFormed: entry.wellFormed,
  };
  if (!entry.bytes) {
    return { ...empty, primary: undefined, nested: [], primaryTimestamps: [], certificates: [] };
  }
  try {
    const view = signedData(entry.bytes);
    if (view.signerInfos.length !== 1) throw new Error('signerInfos');
    const { signed, unsigned } = signerParts(view.signerInfos[0] as Tlv);
    const primaryTimestamps = (unsigned.get(OID_TIMESTAMP) ?? []).map(timestampDigest);
    const nested = [...primaryTimestamps];
    for (const countersigner of unsigned.get(OID_COUNTERSIGNATURE) ?? []) {
      const parts = signerParts(countersigner);
      nested.push(digest(...parts.signed));
      nested.push(...(parts.unsigned.get(OID_TIMESTAMP) ?? []).map(timestampDigest));
    }
    return {
      ...empty,
      primary: digest(view.eContent, ...signed),
      nested,
      primaryTimestamps,
      certificates: view.certificates.map((c) => digest(c.raw)),
    };
  } catch {
    return { ...empty, primary: undefined, nested: [], primaryTimestamps: [], certificates: [] };
  }
}

/**
 * Why a "valid" verdict on `mutated` would be a false accept, or undefined when the signed bytes
 * are unchanged. Unsigned parts may change: an added unsigned attribute, reordered or duplicated
 * certificates, a removed countersignature (then only the primary is verified), a removed
 * timestamp unless the seed's signer certificate has expired (`timestampRequired`).
 */
export function falseAcceptReason(
  seed: SignedFingerprint,
  mutated: SignedFingerprint,
  options: { timestampRequired: boolean; signerCertificate: string },
): string | undefined {
  if (!mutated.entryWellFormed) return 'the signature entry breaks NuGet’s entry rules (§1.2)';
  if (mutated.packageHash === undefined) return 'NuGet cannot compute the package hash';
  if (mutated.packageHash !== seed.packageHash) return 'the package hash changed';
  if (mutated.primary === undefined) return 'the CMS does not parse (reference walker)';
  if (mutated.primary !== seed.primary) return 'the content or primary signed attributes changed';
  const foreign = mutated.nested.find((n) => !seed.nested.includes(n));
  if (foreign) return 'a timestamp or countersignature has changed signed bytes';
  if (!mutated.certificates.includes(options.signerCertificate))
    return 'the signer certificate is gone or altered';
  if (options.timestampRequired) {
    const first = mutated.primaryTimestamps[0];
    if (first === undefined || !seed.primaryTimestamps.includes(first))
      return 'the timestamp the verdict depends on is gone';
  }
  return undefined;
}
