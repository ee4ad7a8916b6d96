import type { ChainLink } from './chain-link.js';
import type { ChainStatus } from './chain-status.js';

/** How a candidate path ends. */
export type PathEnd = 'anchor' | 'untrusted-root' | 'partial' | 'cyclic';

export interface PathEvaluationOptions {
  readonly applicationPolicy: string;
  readonly verificationTime: Date;
  /** Verifies `subject`'s signature with `issuer`'s key (memoised by the builder). */
  readonly signatureValid: (subject: ChainLink, issuer: ChainLink) => boolean;
}

export interface PathEvaluation {
  /** Statuses per element, leaf first; NotTimeValid is always computed here (callers filter). */
  readonly elementStatuses: ChainStatus[][];
}

/**
 * Applies the per-certificate checks OpenSSL and .NET's chain processor run on Linux to one
 * candidate path (leaf first, `end` telling how it stops).
 */
export function evaluatePath(
  path: readonly ChainLink[],
  end: PathEnd,
  options: PathEvaluationOptions,
): PathEvaluation {
  const elementStatuses = path.map((): ChainStatus[] => []);
  const add = (index: number, status: ChainStatus) => elementStatuses[index]?.push(status);
  const time = options.verificationTime.getTime();

  path.forEach((certificate, index) => {
    const issuer = path[index + 1];
    // The self-signature of the top certificate is not checked (OpenSSL without
    // X509_V_FLAG_CHECK_SS_SIGNATURE): it adds nothing when the certificate is the anchor itself.
    if (issuer && !options.signatureValid(certificate, issuer)) add(index, 'NotSignatureValid');
    if (time < certificate.notBefore.getTime() || time > certificate.notAfter.getTime()) {
      add(index, 'NotTimeValid');
    }
    if (index > 0 && !canIssue(certificate)) add(index, 'InvalidBasicConstraints');
    if (index > 0 && pathLengthExceeded(path, index)) add(index, 'InvalidBasicConstraints');
    if (certificate.unsupportedCriticalExtensions.length > 0) {
      add(index, 'HasNotSupportedCriticalExtension');
    }
  });

  markUsage(path, options.applicationPolicy, add);

  const last = path.length - 1;
  if (end === 'untrusted-root') add(last, 'UntrustedRoot');
  if (end === 'partial') add(last, 'PartialChain');
  if (end === 'cyclic') add(last, 'Cyclic');
  return { elementStatuses };
}

/**
 * Whether a certificate may act as an issuer. Checked against .NET 10 on Linux: basicConstraints
 * with cA=TRUE is required (keyUsage keyCertSign alone is not enough), and a keyUsage without
 * keyCertSign fails too; only a v1 self-issued root, which cannot carry extensions, is exempt.
 */
function canIssue(certificate: ChainLink): boolean {
  if (certificate.keyCertSign === false) return false;
  if (certificate.basicConstraints) return certificate.basicConstraints.cA;
  return certificate.version === 1 && certificate.selfIssued;
}

/**
 * RFC 5280 §4.2.1.9: pathLenConstraint limits the non-self-issued intermediate certificates that
 * may follow the CA in the path (the leaf is not counted).
 */
function pathLengthExceeded(path: readonly ChainLink[], index: number): boolean {
  const limit = path[index]?.basicConstraints?.pathLength;
  if (limit === undefined) return false;
  const following = path.slice(1, index).filter((certificate) => !certificate.selfIssued).length;
  return following > limit;
}

/**
 * The application-policy (EKU) check as .NET 10 on Linux performs it, observed with X509Chain and
 * ApplicationPolicy: every certificate in the chain that has an EKU (or Microsoft application
 * policies) extension must list the policy OID itself, anyExtendedKeyUsage does not count, and a
 * single failure marks every element NotValidForUsage. Certificates without the extension allow
 * every purpose.
 */
function markUsage(
  path: readonly ChainLink[],
  policy: string,
  add: (index: number, status: ChainStatus) => void,
): void {
  const invalid = path.some(
    (certificate) =>
      certificate.applicationPolicies !== undefined && !certificate.applicationPolicies.has(policy),
  );
  if (invalid) path.forEach((_, index) => add(index, 'NotValidForUsage'));
}
