import type { NuGetCode } from '../codes.js';
import { NupkgSigningError } from '../errors.js';
import type { CertificateView } from '../signature/certificate.js';
import { bytesEqual } from '../asn1/bytes.js';
import { OID } from '../asn1/oids.js';
import { HASH_ALGORITHMS, hashAlgorithmFromOid } from '../hash-algorithms.js';
import type { TimestampTokenView } from '../signature/timestamp-token.js';
import { checkCertificateRequirements } from '../certificate-rules/certificate-requirements.js';
import { checkSignerSignature } from '../certificate-rules/signer-signature.js';
import { tokenSigningCertificateProblem } from '../certificate-rules/token-signing-certificate.js';
import type { TimeStampRequest } from './request.js';

/**
 * Checks a freshly issued token against the request, in the order a signature is refused by
 * `dotnet nuget sign` (nuget-signing-spec.md §10.3 step 4): first what .NET's
 * Rfc3161TimestampRequest.ProcessResponse checks, then NuGet's own re-checks (NU3021–NU3036).
 * The token rules a verifier applies too (ESS attributes, CMS signature, TSA certificate
 * requirements) are the verifier's own checks; only the request matching and the sign-time
 * rules live here. Returns the TSA certificate.
 *
 * .NET reports its own failures as a generic CryptographicException; we give them the NU code of
 * the nearest NuGet check (imprint NU3019, nonce NU3026, no certificate NU3020, anything else about
 * the token or its TSA certificate NU3021) so users can act on them.
 */
export function checkTimeStampResponse(
  request: TimeStampRequest,
  token: TimestampTokenView,
  url: string,
  now: Date,
): CertificateView {
  const fail = (code: NuGetCode, what: string): never => {
    throw new NupkgSigningError(code, `The timestamp from ${url} was refused: ${what}.`);
  };
  const { tstInfo } = token;
  const { messageImprint } = tstInfo;

  if (tstInfo.version !== 1) fail('NU3021', `its TSTInfo version is ${tstInfo.version}, not 1`);
  if (
    messageImprint.hashAlgorithmOid !== HASH_ALGORITHMS[request.hashAlgorithm].oid ||
    !bytesEqual(messageImprint.hashedMessage, request.hashedMessage)
  ) {
    const algorithm =
      hashAlgorithmFromOid(messageImprint.hashAlgorithmOid) ?? messageImprint.hashAlgorithmOid;
    fail(
      'NU3019',
      `its message imprint (${algorithm}) is not the hash of the signature that was sent`,
    );
  }
  if (tstInfo.nonce === undefined || !bytesEqual(tstInfo.nonce, request.nonce)) {
    fail('NU3026', 'its nonce does not match the request (the response may be replayed)');
  }

  const tsa = token.signer.findSignerCertificate(token.certificates);
  if (tsa === undefined) {
    return fail(
      'NU3020',
      'the token does not include the TSA certificate although it was requested',
    );
  }
  const essProblem = tokenSigningCertificateProblem(token, tsa);
  if (essProblem !== undefined) fail('NU3021', essProblem);
  const ekuProblem = timeStampingEkuProblem(tsa);
  if (ekuProblem !== undefined)
    fail('NU3021', `the TSA certificate is not a time-stamping certificate: ${ekuProblem}`);
  const signatureProblem = checkSignerSignature(token.signer, tsa, token.tstInfoDer);
  if (signatureProblem !== undefined)
    fail('NU3021', `its signature is invalid: ${signatureProblem}`);

  // NuGet's ValidateTimestampCms order: NU3022, NU3023, then the token digest (NU3024), then NU3025.
  const requirements = checkCertificateRequirements(tsa, 'timestamping', now);
  const digestProblems = hashAlgorithmFromOid(token.signer.digestAlgorithmOid)
    ? []
    : [
        {
          code: 'NU3024',
          message: `The token is signed with digest ${token.signer.digestAlgorithmOid}; SHA256/384/512 is required.`,
        } as const,
      ];
  const [firstProblem] = [
    ...requirements.filter((problem) => problem.code !== 'NU3025'),
    ...digestProblems,
    ...requirements.filter((problem) => problem.code === 'NU3025'),
  ];
  if (firstProblem !== undefined) {
    throw new NupkgSigningError(
      firstProblem.code,
      `The timestamp from ${url} was refused. ${firstProblem.message}`,
    );
  }

  // NuGet's IsDateInsideValidityPeriod: NotBefore ≤ genTime < NotAfter.
  const genTime = tstInfo.genTime.getTime();
  if (genTime < tsa.notBefore.getTime() || genTime >= tsa.notAfter.getTime()) {
    fail(
      'NU3036',
      `its time ${tstInfo.genTime.toISOString()} is outside the TSA certificate validity`,
    );
  }
  return tsa;
}

/**
 * RFC 3161 §2.3 as .NET enforces it when processing a response (nuget-signing-spec.md §5.4):
 * exactly one extendedKeyUsage extension, marked critical, listing id-kp-timeStamping. A verifier
 * is laxer (an absent EKU allows every purpose), so this rule is the client's alone.
 */
function timeStampingEkuProblem(tsa: CertificateView): string | undefined {
  const count = tsa.extensions.filter((extension) => extension.oid === OID.extKeyUsage).length;
  if (count === 0 || tsa.extendedKeyUsage === undefined) {
    return 'it has no extended key usage extension';
  }
  if (count > 1) return 'it has more than one extended key usage extension';
  if (!tsa.extendedKeyUsage.critical)
    return 'its extended key usage extension is not marked critical';
  if (!tsa.extendedKeyUsage.oids.includes(OID.timeStamping)) {
    return 'its extended key usage does not include time stamping (1.3.6.1.5.5.7.3.8)';
  }
  return undefined;
}
