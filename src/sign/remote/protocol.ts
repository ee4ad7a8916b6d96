import { NupkgSigningError } from '../../errors.js';
import { LIMITS } from '../../limits.js';
import { HASH_ALGORITHMS, type HashAlgorithmName } from '../../hash-algorithms.js';
import { digestInfo } from '../signer.js';

/**
 * The remote signing protocol shared by the command and HTTP signers (docs/remote-signing.md):
 * one JSON request naming a digest, one base64 RSASSA-PKCS1-v1_5 signature back. Both
 * transports carry exactly the same request, so a key service can be tested with either.
 */

export interface RemoteSignRequest {
  /** Base64 of the digest to sign. */
  readonly digest: string;
  /** `SHA256`, `SHA384` or `SHA512`. */
  readonly hashAlgorithm: string;
  /** Base64 DER `DigestInfo` (RFC 8017 §9.2), for services that do raw RSA on a padded block. */
  readonly digestInfo: string;
  /** Uppercase hex SHA-256 of the signing certificate, so a service can pick the key. */
  readonly certificateFingerprint: string;
  /** Passed through from the caller's configuration, when given. */
  readonly keyId?: string;
}

/** Largest signature answer accepted (LIMITS.maxRemoteSignerAnswerBytes). */
export const MAX_ANSWER_BYTES = LIMITS.maxRemoteSignerAnswerBytes;

export function buildRemoteSignRequest(
  digest: Uint8Array,
  hashAlgorithm: HashAlgorithmName,
  certificateFingerprint: string,
  keyId: string | undefined,
): RemoteSignRequest {
  return {
    digest: Buffer.from(digest).toString('base64'),
    hashAlgorithm: HASH_ALGORITHMS[hashAlgorithm].label,
    digestInfo: Buffer.from(digestInfo(hashAlgorithm, digest)).toString('base64'),
    certificateFingerprint,
    ...(keyId === undefined ? {} : { keyId }),
  };
}

/**
 * Reads a signer's answer: a JSON object `{"signature": "<base64>"}`, or (for commands) bare
 * base64 text. Surrounding whitespace and line breaks inside base64 are ignored. The answer itself
 * is never quoted in errors: it may be anything the remote side printed.
 */
export function parseSignatureAnswer(text: string, source: string): Uint8Array {
  const fail = (why: string) =>
    new NupkgSigningError('NU3001', `The remote signer ${source} ${why}.`);
  const trimmed = text.trim();
  let encoded: unknown = trimmed;
  if (trimmed.startsWith('{')) {
    try {
      encoded = (JSON.parse(trimmed) as { signature?: unknown }).signature;
    } catch {
      throw fail('answered with invalid JSON');
    }
  }
  if (typeof encoded !== 'string' || encoded.length === 0) {
    throw fail('did not return a signature (expected {"signature": "<base64>"})');
  }
  const compact = encoded.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw fail('returned a signature that is not base64');
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
