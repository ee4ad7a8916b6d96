import type { CertificateFacts, SignatureFacts } from '../policy/signer-policy/index.js';
import type { CertificateView } from '../signature/certificate.js';
import type { PrimarySignature } from '../signature/primary-signature.js';
import type { SignerAttributes } from './checks/signature-attributes.js';
import type { TrustAndValidity } from './trust-and-validity.js';

/**
 * The plain facts the signer policies decide on (who signed, with which certificate and chain,
 * and whether the verifier found each signature valid), from what verification learnt.
 */
export function signatureFacts(
  packageId: string,
  read:
    | {
        signature: PrimarySignature;
        certificate: CertificateView | undefined;
        attributes: SignerAttributes;
      }
    | undefined,
  trust: TrustAndValidity | undefined,
  integrityValid: boolean,
): SignatureFacts {
  if (!read?.certificate) return { packageId };
  const counter = trust?.countersignature;
  return {
    packageId,
    primary: {
      kind: read.signature.signatureType,
      certificate: certificateFacts(read.certificate, trust?.primary?.chain),
      ...(read.attributes.packageOwners ? { owners: read.attributes.packageOwners } : {}),
      ...(read.attributes.serviceIndexUrl
        ? { serviceIndexUrl: read.attributes.serviceIndexUrl }
        : {}),
      valid: integrityValid && (trust?.primary?.valid ?? false),
    },
    ...(counter?.certificate
      ? {
          repositoryCountersignature: {
            certificate: certificateFacts(counter.certificate, counter.evaluation.chain),
            ...(counter.attributes.packageOwners
              ? { owners: counter.attributes.packageOwners }
              : {}),
            ...(counter.attributes.serviceIndexUrl
              ? { serviceIndexUrl: counter.attributes.serviceIndexUrl }
              : {}),
            valid: integrityValid && counter.evaluation.valid,
          },
        }
      : {}),
  };
}

/** A certificate as the policies see it; without a built chain, the chain is the certificate alone. */
export function certificateFacts(
  certificate: CertificateView,
  chain: readonly CertificateView[] | undefined,
): CertificateFacts {
  const chainViews = chain && chain.length > 0 ? chain : [certificate];
  return {
    fingerprintSha256: certificate.fingerprintSha256,
    subject: certificate.subject,
    issuer: certificate.issuer,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    chainFingerprintsSha256: chainViews.map((c) => c.fingerprintSha256),
    chainSubjects: chainViews.map((c) => c.subject),
    der: certificate.der,
  };
}
