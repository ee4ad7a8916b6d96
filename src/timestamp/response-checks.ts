import { NupkgSigningError, type NuGetCode } from '../errors.js';
import { HASH_ALGORITHMS, hashAlgorithmFromOid } from '../signature/hash-algorithms.js';
import type { TimeStampRequest } from './request.js';
import type { TimeStampToken } from './timestamp-token.js';
import {
  findSignerCertificate,
  equalBytes,
  signingCertificateProblem,
  tokenSignatureProblem,
} from './token-signer.js';
import {
  hasSupportedPublicKey,
  hasSupportedSignatureAlgorithm,
  isWithinValidity,
  notBefore,
  timeStampingEkuProblem,
} from './tsa-certificate.js';

/**
 * Checks a freshly issued token against the request, in the order a signature is refused by
 * `dotnet nuget sign` (nuget-signing-spec.md §10.3 step 4): first what .NET's
 * Rfc3161TimestampRequest.ProcessResponse checks, then NuGet's own re-checks (NU3021–NU3036).
 *
 * .NET reports its own failures as a generic CryptographicException; we give them the NU code of
 * the nearest NuGet check (imprint NU3019, nonce NU3026, no certificate NU3020, anything else about
 * the token or its TSA certificate NU3021) so users can act on them.
 */
export function checkTimeStampResponse(
  request: TimeStampRequest,
  token: TimeStampToken,
  url: string,
  now: Date,
): void {
  const fail = (code: NuGetCode, what: string): never => {
    throw new NupkgSigningError(code, `The timestamp from ${url} was refused: ${what}.`);
  };
  const { tstInfo } = token;

  if (tstInfo.version !== 1) fail('NU3021', `its TSTInfo version is ${tstInfo.version}, not 1`);
  if (
    tstInfo.hashAlgorithmOid !== HASH_ALGORITHMS[request.hashAlgorithm].oid ||
    !equalBytes(tstInfo.hashedMessage, request.hashedMessage)
  ) {
    const algorithm = hashAlgorithmFromOid(tstInfo.hashAlgorithmOid) ?? tstInfo.hashAlgorithmOid;
    fail(
      'NU3019',
      `its message imprint (${algorithm}) is not the hash of the signature that was sent`,
    );
  }
  if (tstInfo.nonce === undefined || !equalBytes(tstInfo.nonce, request.nonce)) {
    fail('NU3026', 'its nonce does not match the request (the response may be replayed)');
  }

  const signer = findSignerCertificate(token);
  if (signer === undefined) {
    return fail(
      'NU3020',
      'the token does not include the TSA certificate although it was requested',
    );
  }
  const essProblem = signingCertificateProblem(token, signer);
  if (essProblem !== undefined) fail('NU3021', essProblem);
  const ekuProblem = timeStampingEkuProblem(signer.certificate);
  if (ekuProblem !== undefined)
    fail('NU3021', `the TSA certificate is not a time-stamping certificate: ${ekuProblem}`);

  const signatureProblem = tokenSignatureProblem(token, signer);
  if (signatureProblem !== undefined) fail('NU3021', signatureProblem);
  if (!hasSupportedSignatureAlgorithm(signer.certificate)) {
    fail(
      'NU3022',
      `the TSA certificate is signed with ${signer.certificate.signatureAlgorithm.algorithmId}; SHA256/384/512 with RSA is required`,
    );
  }
  if (!hasSupportedPublicKey(signer)) {
    fail('NU3023', 'the TSA certificate key is not RSA with at least 2048 bits');
  }
  if (hashAlgorithmFromOid(token.signerInfo.digestAlgorithm.algorithmId) === undefined) {
    fail(
      'NU3024',
      `the token is signed with digest ${token.signerInfo.digestAlgorithm.algorithmId}; SHA256/384/512 is required`,
    );
  }
  if (notBefore(signer.certificate).getTime() > now.getTime()) {
    fail('NU3025', 'the TSA certificate is not yet valid');
  }
  if (!isWithinValidity(signer.certificate, tstInfo.genTime)) {
    fail(
      'NU3036',
      `its time ${tstInfo.genTime.toISOString()} is outside the TSA certificate validity`,
    );
  }
}
