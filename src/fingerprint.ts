import { createHash } from 'node:crypto';

/*
 * Certificate fingerprints, apart from crypto.ts so that reading certificates (and the policy
 * files that name them) does not load pkijs.
 */

/** Uppercase hex SHA-256, the form NuGet prints and compares fingerprints in. */
export function sha256Fingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase();
}

/**
 * A fingerprint as people write it (any case, colons or spaces between bytes) in the form
 * `sha256Fingerprint` returns, for comparing and printing; the hex digits are not validated.
 */
export function normalizeFingerprint(text: string): string {
  return text.replace(/[\s:]/g, '').toUpperCase();
}
