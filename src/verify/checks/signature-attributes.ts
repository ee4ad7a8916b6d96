import { NupkgSigningError, describeError } from '../../errors.js';
import { digest } from '../../crypto.js';
import {
  attributesByOid,
  decodeNuGetPackageOwners,
  decodeNuGetV3ServiceIndexUrl,
  decodeSigningCertificateV2,
  type AttributeView,
} from '../../signature/attributes.js';
import type { CertificateView } from '../../signature/certificate.js';
import { bytesEqual } from '../../asn1/bytes.js';
import { isNullOrAbsentParameters } from '../../asn1/decode.js';
import { OID } from '../../asn1/oids.js';
import { hashAlgorithmFromOid } from '../../hash-algorithms.js';
import type { SignerInfoView } from '../../signature/signer-info.js';

/** What NuGet learns from a signature's signed attributes while reading it. */
export interface SignerAttributes {
  readonly serviceIndexUrl?: string;
  readonly packageOwners?: string[];
}

/**
 * The rules NuGet applies while *reading* an author or repository signature
 * (nuget-signing-spec.md §4.2, §4.3): signing-time present, signing-certificate (v1) absent,
 * signing-certificate-v2 present once with one value and naming the signer certificate, and for
 * repository signatures the service index URL (and owners) attributes. A violation throws, which
 * ends verification with that one code, as NuGet's SignatureException does.
 *
 * `code` is NU3011 for a primary signature and NU3031 for a repository countersignature.
 * Without a certificate the ESS rules are not checked.
 */
export function readSignerAttributes(
  signer: SignerInfoView,
  certificate: CertificateView | undefined,
  code: 'NU3011' | 'NU3031',
): SignerAttributes {
  const what = code === 'NU3011' ? 'primary signature' : 'repository countersignature';
  const fail = (why: string) => new NupkgSigningError(code, `The ${what} is invalid: ${why}.`);
  const attributes = signer.signedAttributes;
  if (signer.signatureType === 'unknown') return {};

  if (attributesByOid(attributes, OID.signingTime).length === 0)
    throw fail('it has no signing-time attribute');
  // ESS needs the certificate; without it NuGet reports NU3010 later instead. The countersignature
  // caller passes none: the client checks its ESS attributes only on nuget.org (spec §4.2 quirk).
  if (certificate) checkSigningCertificateV2(attributes, certificate, fail);
  return signer.signatureType === 'repository' ? readRepositoryAttributes(attributes) : {};
}

function checkSigningCertificateV2(
  attributes: readonly AttributeView[],
  certificate: CertificateView,
  fail: (why: string) => NupkgSigningError,
): void {
  if (attributesByOid(attributes, OID.signingCertificate).length > 0) {
    throw fail('it has a signing-certificate (v1) attribute, which NuGet does not allow');
  }
  const v2 = attributesByOid(attributes, OID.signingCertificateV2);
  if (v2.length === 0) throw fail('it has no signing-certificate-v2 attribute');
  if (v2.length > 1 || v2[0]?.values.length !== 1) {
    throw fail('the signing-certificate-v2 attribute must appear once with one value');
  }
  // A value that does not decode is a CryptographicException in .NET: NU3003, not NU3011.
  const certIds = decodeSigningCertificateV2(v2[0].values[0] as Uint8Array, 'NU3003');
  const [first] = certIds;
  if (!first) throw fail('the signing-certificate-v2 attribute lists no certificate');
  for (const certId of certIds) {
    if (
      !hashAlgorithmFromOid(certId.hashAlgorithmOid) ||
      !isNullOrAbsentParameters(certId.hashAlgorithmParameters)
    ) {
      throw fail(
        `the signing-certificate-v2 attribute uses the unsupported hash ${certId.hashAlgorithmOid}`,
      );
    }
  }
  const { issuerSerial } = first;
  if (!issuerSerial) throw fail('the signing-certificate-v2 attribute has no issuerSerial');
  const [name, ...others] = issuerSerial.generalNames;
  if (!name || others.length > 0 || !name.nameDer) {
    throw fail('the signing-certificate-v2 issuer must be exactly one directoryName');
  }
  if (
    !bytesEqual(issuerSerial.serialNumber, certificate.serialNumber) ||
    !bytesEqual(name.nameDer, certificate.issuerDer)
  ) {
    throw fail(
      'the signing-certificate-v2 attribute names another certificate (issuer and serial differ)',
    );
  }
  const algorithm = hashAlgorithmFromOid(first.hashAlgorithmOid);
  if (!algorithm || !bytesEqual(digest(algorithm, certificate.der), first.certHash)) {
    throw fail(
      `the signing-certificate-v2 hash does not match the signing certificate ${certificate.fingerprintSha256}`,
    );
  }
}

/** nuget-v3-service-index-url (required) and nuget-package-owners (optional): NU3000 when wrong. */
function readRepositoryAttributes(attributes: readonly AttributeView[]): SignerAttributes {
  const urls = attributesByOid(attributes, OID.nugetV3ServiceIndexUrl);
  if (urls.length !== 1 || urls[0]?.values.length !== 1) {
    throw new NupkgSigningError(
      'NU3000',
      urls.length === 0
        ? 'The repository signature has no nuget-v3-service-index-url attribute.'
        : 'The repository signature has multiple nuget-v3-service-index-url attributes or values.',
    );
  }
  const serviceIndexUrl = decodeNuGetV3ServiceIndexUrl(urls[0].values[0] as Uint8Array);
  const owners = attributesByOid(attributes, OID.nugetPackageOwners);
  if (owners.length === 0) return { serviceIndexUrl };
  if (owners.length > 1 || owners[0]?.values.length !== 1) {
    throw new NupkgSigningError(
      'NU3000',
      'The repository signature has multiple nuget-package-owners attributes or values.',
    );
  }
  try {
    return {
      serviceIndexUrl,
      packageOwners: decodeNuGetPackageOwners(owners[0].values[0] as Uint8Array),
    };
  } catch (error) {
    throw new NupkgSigningError('NU3000', describeError(error));
  }
}
