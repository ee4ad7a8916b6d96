import { randomBytes } from 'node:crypto';
import {
  encodeTlv,
  objectIdentifier,
  octetString,
  sequence,
  smallInteger,
} from '../asn1/encode.js';
import { TAG } from '../asn1/tags.js';
import { HASH_ALGORITHMS, type HashAlgorithmName } from '../hash-algorithms.js';

/** A DER TimeStampReq and the nonce it carries, for matching the response. */
export interface TimeStampRequest {
  readonly der: Uint8Array;
  /** Content octets of the nonce INTEGER, as the TSA must echo them. */
  readonly nonce: Uint8Array;
  readonly hashAlgorithm: HashAlgorithmName;
  readonly hashedMessage: Uint8Array;
}

export const NONCE_LENGTH = 32;

/**
 * Builds the TimeStampReq NuGet sends (RFC 3161 §2.4.1; nuget-signing-spec.md §10.3 step 4):
 *
 *   TimeStampReq ::= SEQUENCE {
 *     version        INTEGER { v1(1) },
 *     messageImprint MessageImprint,      -- hashAlgorithm with explicit NULL parameters
 *     nonce          INTEGER,             -- 32 random bytes, top bit cleared
 *     certReq        BOOLEAN TRUE }       -- no reqPolicy, no extensions
 *
 * `random` is injectable so tests can pin the nonce.
 */
export function buildTimeStampRequest(
  hashAlgorithm: HashAlgorithmName,
  hashedMessage: Uint8Array,
  random: (length: number) => Uint8Array = randomBytes,
): TimeStampRequest {
  const nonce = normalizeUnsignedInteger(nonceFrom(random(NONCE_LENGTH)));
  const messageImprint = sequence(
    sequence(
      objectIdentifier(HASH_ALGORITHMS[hashAlgorithm].oid),
      // .NET writes the NULL explicitly; some TSAs reject an imprint without it.
      encodeTlv(TAG.null, new Uint8Array()),
    ),
    octetString(hashedMessage),
  );
  const request = sequence(
    smallInteger(1),
    messageImprint,
    encodeTlv(TAG.integer, nonce),
    encodeTlv(TAG.boolean, Uint8Array.of(0xff)),
  );
  return {
    der: request,
    nonce,
    hashAlgorithm,
    hashedMessage: Uint8Array.from(hashedMessage),
  };
}

/** NuGet clears the top bit of the first byte so the bytes read as a positive big-endian integer. */
function nonceFrom(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== NONCE_LENGTH) throw new RangeError(`a nonce needs ${NONCE_LENGTH} bytes`);
  const nonce = Uint8Array.from(bytes);
  nonce[0] = nonce[0]! & 0x7f;
  return nonce;
}

/**
 * Minimal DER content octets of a non-negative INTEGER: leading zero bytes are dropped unless the
 * next byte has its top bit set (then one stays, or the value would read as negative).
 */
export function normalizeUnsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && (bytes[start + 1]! & 0x80) === 0) {
    start++;
  }
  const trimmed = bytes.subarray(start);
  if (trimmed.length > 0 && (trimmed[0]! & 0x80) !== 0) {
    const padded = new Uint8Array(trimmed.length + 1);
    padded.set(trimmed, 1);
    return padded;
  }
  return Uint8Array.from(trimmed);
}
