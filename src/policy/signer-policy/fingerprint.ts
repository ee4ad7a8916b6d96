/**
 * SHA-256 fingerprints as people write them (any case, colons or spaces between bytes) and as we
 * compare and print them (64 uppercase hex digits, like NuGet's output).
 */

import { normalizeFingerprint as normalize } from '../../fingerprint.js';

const HEX = /^[0-9A-F]*$/;

/** The hex digits of `text` without separators, uppercased; no validation. */
export function stripFingerprint(text: string): string {
  return normalize(text);
}

/**
 * Why `text` is not a SHA-256 fingerprint, or undefined when it is. The message completes
 * "<field>: …" in a configuration error.
 */
export function fingerprintProblem(text: string): string | undefined {
  const digits = stripFingerprint(text);
  if (!HEX.test(digits))
    return 'must be 64 hex characters (a SHA-256 fingerprint); found non-hex characters';
  if (digits.length === 64) return undefined;
  const hint =
    digits.length === 40
      ? ' (40 looks like a SHA-1 thumbprint; nuget.org identifies certificates by SHA-256)'
      : '';
  return `must be 64 hex characters (a SHA-256 fingerprint); found ${digits.length}${hint}`;
}

/** Normalizes a fingerprint known to be valid. */
export function normalizeFingerprint(text: string): string {
  return stripFingerprint(text);
}

/** "3F90…0ECE": short enough for a one-line rule explanation, long enough to recognise. */
export function shortFingerprint(fingerprint: string): string {
  const digits = stripFingerprint(fingerprint);
  return digits.length <= 12 ? digits : `${digits.slice(0, 4)}…${digits.slice(-4)}`;
}
