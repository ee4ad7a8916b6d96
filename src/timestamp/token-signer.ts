import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import type * as pkijsTypes from 'pkijs';
import { OID } from '../signature/oids.js';
import { hashAlgorithmFromOid } from '../signature/hash-algorithms.js';
import type { EmbeddedCertificate, TimeStampToken } from './timestamp-token.js';

/** Digest algorithms a token's SignerInfo may name; SHA-1 verifies but is refused later (NU3024). */
const DIGEST_NAMES: Readonly<Record<string, string>> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

const ECDSA_WITH_SHA = [
  '1.2.840.10045.4.1',
  '1.2.840.10045.4.3.2',
  '1.2.840.10045.4.3.3',
  '1.2.840.10045.4.3.4',
];
const RSA_PKCS1 = [
  OID.rsaEncryption,
  OID.sha1WithRSAEncryption,
  OID.sha256WithRSAEncryption,
  OID.sha384WithRSAEncryption,
  OID.sha512WithRSAEncryption,
];

/** Finds the certificate the SignerInfo's sid names (IssuerAndSerialNumber or SubjectKeyIdentifier). */
export function findSignerCertificate(token: TimeStampToken): EmbeddedCertificate | undefined {
  const sid: unknown = token.signerInfo.sid;
  return token.certificates.find(({ certificate }) => {
    if (sid instanceof asn1js.Primitive) {
      // [0] SubjectKeyIdentifier: compare with the certificate's SKI extension value.
      const ski = certificate.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier);
      const keyId = ski?.parsedValue as asn1js.OctetString | undefined;
      return (
        keyId !== undefined &&
        equalBytes(keyId.valueBlock.valueHexView, sid.valueBlock.valueHexView)
      );
    }
    const issuerAndSerial = sid as pkijsTypes.IssuerAndSerialNumber;
    return (
      issuerAndSerial.issuer.isEqual(certificate.issuer) &&
      equalBytes(
        issuerAndSerial.serialNumber.valueBlock.valueHexView,
        certificate.serialNumber.valueBlock.valueHexView,
      )
    );
  });
}

/**
 * Checks the token's CMS signature the way .NET's SignerInfo.CheckSignature(true) does
 * (nuget-signing-spec.md §4.4): message-digest over the TSTInfo, then the signature over the
 * signed attributes DER-sorted, falling back to their original order. Returns why it fails, or
 * undefined when it verifies.
 */
export function tokenSignatureProblem(
  token: TimeStampToken,
  signer: EmbeddedCertificate,
): string | undefined {
  const { signerInfo } = token;
  const digestName = DIGEST_NAMES[signerInfo.digestAlgorithm.algorithmId];
  if (digestName === undefined) {
    return `the digest algorithm ${signerInfo.digestAlgorithm.algorithmId} is not supported`;
  }
  const signedAttrs = signerInfo.signedAttrs;
  if (signedAttrs === undefined) return 'the signer has no signed attributes';

  const digests = signedAttrs.attributes.filter((a) => a.type === OID.messageDigest);
  const digestValue = digests[0]?.values[0] as asn1js.OctetString | undefined;
  if (digests.length !== 1 || digests[0]?.values.length !== 1 || digestValue === undefined) {
    return 'the message-digest attribute is missing or repeated';
  }
  const contentDigest = createHash(digestName).update(token.tstInfoDer).digest();
  if (!equalBytes(contentDigest, digestValue.valueBlock.valueHexView)) {
    return 'the message-digest attribute does not match the TSTInfo';
  }

  const signatureOid = signerInfo.signatureAlgorithm.algorithmId;
  if (
    !RSA_PKCS1.includes(signatureOid as never) &&
    !ECDSA_WITH_SHA.includes(signatureOid) &&
    signatureOid !== OID.ecPublicKey
  ) {
    return `the signature algorithm ${signatureOid} is not supported`;
  }
  const { publicKey } = new X509Certificate(signer.der);
  const signature = signerInfo.signature.valueBlock.valueHexView;
  const original = new Uint8Array(signedAttrs.encodedValue);
  for (const signedBytes of [derSortedAttributes(signedAttrs), original]) {
    try {
      if (verifySignature(digestName, signedBytes, publicKey, signature)) return undefined;
    } catch {
      // A malformed signature value is simply "does not verify".
    }
  }
  return 'the signature does not verify with the TSA certificate';
}

/**
 * Checks the ESS signing-certificate(-v2) attributes against the TSA certificate
 * (nuget-signing-spec.md §5.2). Returns why they do not match, or undefined.
 */
export function signingCertificateProblem(
  token: TimeStampToken,
  signer: EmbeddedCertificate,
): string | undefined {
  const attributes = token.signerInfo.signedAttrs?.attributes ?? [];
  const v1 = attributes.filter((a) => a.type === OID.signingCertificate);
  const v2 = attributes.filter((a) => a.type === OID.signingCertificateV2);
  if (v1.length === 0 && v2.length === 0) return 'it has no signing-certificate attribute';
  if (v1.length > 1 || v2.length > 1) return 'a signing-certificate attribute is repeated';
  for (const attribute of [...v1, ...v2]) {
    if (attribute.values.length !== 1) return 'a signing-certificate attribute has several values';
  }
  try {
    if (v2[0] !== undefined) {
      const problem = essCertIdProblem(v2[0].values[0] as asn1js.Sequence, signer, 'v2');
      if (problem !== undefined) return problem;
    }
    if (v1[0] !== undefined) {
      return essCertIdProblem(v1[0].values[0] as asn1js.Sequence, signer, 'v1');
    }
  } catch {
    return 'a signing-certificate attribute is malformed';
  }
  return undefined;
}

/** SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), policies OPTIONAL } */
function essCertIdProblem(
  value: asn1js.Sequence,
  signer: EmbeddedCertificate,
  version: 'v1' | 'v2',
): string | undefined {
  const certs = (value.valueBlock.value[0] as asn1js.Sequence).valueBlock
    .value as asn1js.Sequence[];
  if (certs.length === 0) return `signing-certificate-${version} lists no certificate`;
  let first: { hash: Uint8Array; issuerSerial: asn1js.Sequence | undefined } | undefined;
  for (const essCertId of certs) {
    const fields = essCertId.valueBlock.value;
    let index = 0;
    let hashName = 'sha1';
    if (version === 'v2') {
      hashName = 'sha256'; // RFC 5035: an absent hashAlgorithm means SHA-256
      if (fields[0] instanceof asn1js.Sequence) {
        const oid = (
          fields[0].valueBlock.value[0] as asn1js.ObjectIdentifier
        ).valueBlock.toString();
        const name = hashAlgorithmFromOid(oid);
        if (name === undefined) return `signing-certificate-v2 uses the hash algorithm ${oid}`;
        hashName = name;
        index = 1;
      }
    }
    const hash = (fields[index] as asn1js.OctetString).valueBlock.valueHexView;
    const issuerSerial = fields[index + 1] as asn1js.Sequence | undefined;
    if (first === undefined) {
      // Only the first ESSCertID names the signer; v1 is only length-checked, as .NET does.
      const expected = createHash(hashName).update(signer.der).digest();
      const matches = version === 'v1' ? hash.length === 20 : equalBytes(hash, expected);
      if (!matches) return `signing-certificate-${version} does not match the TSA certificate`;
      first = { hash, issuerSerial };
    }
  }
  if (first?.issuerSerial !== undefined && !issuerSerialMatches(first.issuerSerial, signer)) {
    return `signing-certificate-${version} names another issuer or serial number`;
  }
  return undefined;
}

/** IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER } */
function issuerSerialMatches(issuerSerial: asn1js.Sequence, signer: EmbeddedCertificate): boolean {
  const [generalNames, serial] = issuerSerial.valueBlock.value as [asn1js.Sequence, asn1js.Integer];
  const names = generalNames.valueBlock.value;
  const directoryName = names[0] as asn1js.Constructed | undefined;
  if (names.length !== 1 || directoryName?.idBlock.tagNumber !== 4) return false;
  const issuerName = directoryName.valueBlock.value[0];
  const certificateIssuer = signer.certificate.issuer.toSchema().toBER(false);
  return (
    issuerName !== undefined &&
    equalBytes(new Uint8Array(issuerName.toBER(false)), new Uint8Array(certificateIssuer)) &&
    equalBytes(
      serial.valueBlock.valueHexView,
      signer.certificate.serialNumber.valueBlock.valueHexView,
    )
  );
}

/** The signed attributes as a DER SET OF: elements sorted by their encodings (X.690 §11.6). */
function derSortedAttributes(signedAttrs: pkijsTypes.SignedAndUnsignedAttributes): Uint8Array {
  const encoded = signedAttrs.attributes.map((a) => Buffer.from(a.toSchema().toBER(false)));
  encoded.sort(Buffer.compare);
  const set = new asn1js.Set({
    value: encoded.map(
      (bytes) =>
        asn1js.fromBER(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
          .result,
    ),
  });
  return new Uint8Array(set.toBER(false));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}
