/** Object identifiers used by NuGet signatures (nuget-signing-spec.md §12). */
export const OID = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  countersignature: '1.2.840.113549.1.9.6',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  commitmentTypeIndication: '1.2.840.113549.1.9.16.2.16',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  proofOfOrigin: '1.2.840.113549.1.9.16.6.1',
  proofOfReceipt: '1.2.840.113549.1.9.16.6.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  nugetV3ServiceIndexUrl: '1.3.6.1.4.1.311.84.2.1.1.1',
  nugetPackageOwners: '1.3.6.1.4.1.311.84.2.1.1.2',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  lifetimeSigning: '1.3.6.1.4.1.311.10.3.13',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  etsiBaselineTimestampPolicy: '0.4.0.2023.1.1',
} as const;

/** Names of the extended key usages messages mention, as RFC 5280 §4.2.1.12 and Microsoft name them. */
const EXTENDED_KEY_USAGE_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'server authentication',
  '1.3.6.1.5.5.7.3.2': 'client authentication',
  [OID.codeSigning]: 'code signing',
  '1.3.6.1.5.5.7.3.4': 'email protection',
  [OID.timeStamping]: 'timestamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP signing',
  '2.5.29.37.0': 'any purpose',
  [OID.lifetimeSigning]: 'lifetime signing',
};

/** "code signing (1.3.6.1.5.5.7.3.3)", or the bare OID for a usage without a well-known name. */
export function describeExtendedKeyUsage(oid: string): string {
  const name = EXTENDED_KEY_USAGE_NAMES[oid];
  return name === undefined ? oid : `${name} (${oid})`;
}

/** "is not valid for code signing (…): its extended key usage extension lists only …". */
export function describeMissingUsage(usages: readonly string[], wanted: string): string {
  const listed = usages.length === 0 ? 'nothing' : usages.map(describeExtendedKeyUsage).join(', ');
  return `is not valid for ${describeExtendedKeyUsage(wanted)}: its extended key usage extension lists ${usages.length === 1 ? 'only ' : ''}${listed}`;
}
