import { digest } from '../../crypto.js';
import type { NuGetCode } from '../../codes.js';
import { NupkgSigningError } from '../../errors.js';
import type { CertificateView } from '../../signature/certificate.js';
import { bytesEqual } from '../../asn1/bytes.js';
import { hashAlgorithmFromOid } from '../../hash-algorithms.js';
import type { TimestampTokenView } from '../../signature/timestamp-token.js';
import type { TrustStore } from '../../trust/trust-store.js';
import { describeCertificate } from '../../certificate-rules/describe-certificate.js';
import { checkCertificateRequirements } from '../../certificate-rules/certificate-requirements.js';
import { checkChain } from './chain.js';
import { checkSignerSignature } from '../../certificate-rules/signer-signature.js';
import { tokenSigningCertificateProblem } from '../../certificate-rules/token-signing-certificate.js';

/** The time a valid timestamp vouches for, widened by its accuracy (spec §5.5). */
export interface TimestampWindow {
  readonly genTime: Date;
  readonly lower: Date;
  readonly upper: Date;
  readonly tsa: CertificateView;
  /** The TSA certificate's chain, leaf first, when one was built (for reports). */
  readonly chain?: readonly CertificateView[];
}

export interface TimestampFinding {
  readonly code: NuGetCode;
  readonly message: string;
  /** NU3028 for an untrusted TSA root is an error whatever the policy says (spec §5.4). */
  readonly alwaysError?: boolean;
}

export interface TimestampCheck {
  readonly findings: TimestampFinding[];
  readonly valid: boolean;
  /** The time the token states, present whenever its TSA certificate was found. */
  readonly window?: TimestampWindow;
}

/**
 * Checks an RFC 3161 timestamp token on a signature (nuget-signing-spec.md §5.2–§5.5): the TSA
 * certificate is in the token (NU3020), the token's signing-certificate attributes and CMS
 * signature (NU3021, thrown: NuGet fails the whole verification on them), the TSA certificate requirements (NU3022, NU3023, NU3025), the digest
 * algorithm (NU3024), the message imprint over the timestamped signature value (NU3030, NU3019),
 * genTime within the TSA validity (NU3036) and the TSA chain to a timestamping root (NU3028).
 */
export function checkTimestamp(
  token: TimestampTokenView,
  timestampedSignatureValue: Uint8Array,
  options: { readonly now: Date; readonly roots: TrustStore; readonly nugetOrg?: boolean },
): TimestampCheck {
  const findings: TimestampFinding[] = [];
  const { tstInfo } = token;
  const tsa = token.signer.findSignerCertificate(token.certificates);
  if (!tsa) {
    return {
      valid: false,
      findings: [
        {
          code: 'NU3020',
          message:
            'The timestamp has no signing certificate: the TSA certificate is not in the token.',
        },
      ],
    };
  }

  // NuGet checks these while loading the token, and a failure ends verification (TimestampException).
  const essProblem = tokenSigningCertificateProblem(token, tsa);
  if (essProblem)
    throw new NupkgSigningError('NU3021', `The timestamp signature is invalid: ${essProblem}.`);
  const signatureProblem = checkSignerSignature(token.signer, tsa, token.tstInfoDer);
  if (signatureProblem) {
    throw new NupkgSigningError(
      'NU3021',
      `The timestamp signature validation failed: ${signatureProblem}.`,
    );
  }
  for (const problem of checkCertificateRequirements(tsa, 'timestamping', options.now))
    findings.push(problem);
  if (!hashAlgorithmFromOid(token.signer.digestAlgorithmOid)) {
    findings.push({
      code: 'NU3024',
      message: `The timestamp uses the unsupported digest algorithm ${token.signer.digestAlgorithmOid}.`,
    });
  }

  const imprintAlgorithm = hashAlgorithmFromOid(tstInfo.messageImprint.hashAlgorithmOid);
  if (!imprintAlgorithm) {
    findings.push({
      code: 'NU3030',
      message: `The timestamp message imprint uses the unsupported hash algorithm ${tstInfo.messageImprint.hashAlgorithmOid}.`,
    });
  } else if (
    !bytesEqual(
      digest(imprintAlgorithm, timestampedSignatureValue),
      tstInfo.messageImprint.hashedMessage,
    )
  ) {
    findings.push({
      code: 'NU3019',
      message:
        'The timestamp integrity check failed: its message imprint is not the hash of the signature it timestamps.',
    });
  }

  const genTime = tstInfo.genTime.getTime();
  if (genTime < tsa.notBefore.getTime() || genTime >= tsa.notAfter.getTime()) {
    findings.push({
      code: 'NU3036',
      message: `The timestamp time ${tstInfo.genTime.toISOString()} is outside the validity of the timestamp certificate ${describeCertificate(tsa)}.`,
    });
  }
  let chain: CertificateView[] | undefined;
  if (findings.length === 0) {
    // NuGet builds the TSA chain only when every check above passed.
    const built = checkChain(tsa, token.certificates, {
      roots: options.roots,
      purpose: 'timestamping',
      verificationTime: options.now,
      ...(options.nugetOrg ? { nugetOrg: true } : {}),
    });
    chain = built.certificates;
    for (const finding of built.findings) {
      findings.push({ ...finding, alwaysError: finding.untrustedRoot === true });
    }
  }
  if (tstInfo.accuracyMicroseconds < 0) {
    findings.push({ code: 'NU3021', message: 'The timestamp accuracy is negative.' });
  }

  const accuracyMs = tstInfo.accuracyMicroseconds / 1000;
  return {
    findings,
    valid: !findings.some((f) => f.code !== 'NU3042'),
    window: {
      genTime: tstInfo.genTime,
      lower: new Date(genTime - accuracyMs),
      upper: new Date(genTime + accuracyMs),
      tsa,
      ...(chain ? { chain } : {}),
    },
  };
}
