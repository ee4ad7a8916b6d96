import { normalizeFingerprint } from '../../fingerprint.js';
import type { VerificationPolicy } from '../../policy/verification-policy.js';
import type { CertificateView } from '../../signature/certificate.js';
import { issue, type Issue } from '../../issues.js';

/**
 * `--certificate-fingerprint` (spec §6.7): when fingerprints are given, the primary signing
 * certificate's SHA-256 must be one of them (compared case-insensitively), else NU3034.
 */
export function checkAllowedFingerprints(
  certificate: CertificateView,
  policy: VerificationPolicy,
): Issue[] {
  if (policy.allowedFingerprints.length === 0) return [];
  const actual = certificate.fingerprintSha256.toUpperCase();
  if (policy.allowedFingerprints.some((f) => normalizeFingerprint(f) === actual)) return [];
  return [
    issue(
      'NU3034',
      policy.allowUntrusted ? 'warning' : 'error',
      `The package is signed by ${certificate.subject} (SHA-256 ${actual}), which is not one of the trusted certificate fingerprints.`,
    ),
  ];
}
