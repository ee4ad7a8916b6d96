import type { ErrorCode } from '../codes.js';
import { NupkgSigningError, describeError } from '../errors.js';
import {
  StructureError,
  childrenOf,
  decodeDer,
  encodedBytes,
  isContextTag,
  isUniversal,
  readIntegerBytes,
  readOctetString,
  readOid,
  type DerNode,
} from '../asn1/decode.js';
import { TAG, tagNumber } from '../asn1/tags.js';
import { OID } from '../asn1/oids.js';

/** GeneralName (RFC 5280 §4.2.1.6): its context tag and exact encoding. */
export interface GeneralNameView {
  readonly tag: number;
  readonly der: Uint8Array;
  /** For a directoryName (`[4] EXPLICIT Name`), the DER of the Name inside. */
  readonly nameDer?: Uint8Array;
}

/** IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber } */
export interface IssuerSerialView {
  readonly generalNames: readonly GeneralNameView[];
  /** INTEGER content octets exactly as encoded. */
  readonly serialNumber: Uint8Array;
}

/** ESSCertIDv2 (RFC 5035 §4). */
export interface EssCertIdV2 {
  /** SHA-256 when the hashAlgorithm field is absent (its DEFAULT). */
  readonly hashAlgorithmOid: string;
  /** DER of the AlgorithmIdentifier parameters when present (NuGet allows only NULL). */
  readonly hashAlgorithmParameters?: Uint8Array;
  readonly certHash: Uint8Array;
  readonly issuerSerial?: IssuerSerialView;
}

/** ESSCertID (RFC 2634 §5.4.1); certHash is a SHA-1 hash. */
export interface EssCertId {
  readonly certHash: Uint8Array;
  readonly issuerSerial?: IssuerSerialView;
}

/**
 * SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies ... OPTIONAL }.
 * Decodes the structure only; which algorithms and matches are acceptable is the checks' job.
 * `code` is the one to report for the signature at hand (NU3011 primary, NU3031
 * countersignature, NU3021 timestamp).
 */
export function decodeSigningCertificateV2(
  value: Uint8Array,
  code: ErrorCode = 'NU3011',
): EssCertIdV2[] {
  return decodeCerts(value, 'signing-certificate-v2', code, (essCertId) => {
    const fields = childrenOf(essCertId);
    let index = 0;
    let hashAlgorithmOid: string = OID.sha256;
    let hashAlgorithmParameters: Uint8Array | undefined;
    if (isUniversal(fields[0], TAG.sequence)) {
      const [oid, parameters] = childrenOf(fields[0] as DerNode);
      hashAlgorithmOid = readOid(oid, 'ESSCertIDv2 hashAlgorithm');
      hashAlgorithmParameters = parameters ? encodedBytes(parameters) : undefined;
      index = 1;
    }
    const certHash = readOctetString(fields[index], 'ESSCertIDv2 certHash');
    const issuerSerial = readOptionalIssuerSerial(fields[index + 1], fields.length - index - 2);
    return { hashAlgorithmOid, hashAlgorithmParameters, certHash, issuerSerial };
  });
}

/** SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies ... OPTIONAL }. */
export function decodeSigningCertificate(
  value: Uint8Array,
  code: ErrorCode = 'NU3011',
): EssCertId[] {
  return decodeCerts(value, 'signing-certificate', code, (essCertId) => {
    const fields = childrenOf(essCertId);
    const certHash = readOctetString(fields[0], 'ESSCertID certHash');
    return { certHash, issuerSerial: readOptionalIssuerSerial(fields[1], fields.length - 2) };
  });
}

function decodeCerts<T>(
  value: Uint8Array,
  what: string,
  code: ErrorCode,
  readOne: (essCertId: DerNode) => T,
): T[] {
  const root = decodeDer(value, `${what} attribute`, code);
  try {
    if (!isUniversal(root, TAG.sequence)) throw new StructureError('the value is not a SEQUENCE');
    const [certs] = childrenOf(root);
    if (!isUniversal(certs, TAG.sequence) || !certs)
      throw new StructureError('certs is not a SEQUENCE');
    return childrenOf(certs).map((essCertId) => {
      if (!isUniversal(essCertId, TAG.sequence))
        throw new StructureError('a cert ID is not a SEQUENCE');
      return readOne(essCertId);
    });
  } catch (error) {
    throw new NupkgSigningError(
      code,
      `The ${what} attribute is invalid: ${describeError(error)}.`,
      {
        cause: error,
      },
    );
  }
}

function readOptionalIssuerSerial(block: DerNode | undefined, extraFields: number) {
  if (extraFields > 0) throw new StructureError('unexpected fields after issuerSerial');
  if (!block) return undefined;
  if (!isUniversal(block, TAG.sequence)) throw new StructureError('issuerSerial is not a SEQUENCE');
  const [names, serial] = childrenOf(block);
  if (!isUniversal(names, TAG.sequence) || !names)
    throw new StructureError('issuer is not GeneralNames');
  const generalNames = childrenOf(names).map((name): GeneralNameView => {
    const tag = tagNumber(name.tag);
    const nameDer = isContextTag(name, 4) ? childrenOf(name)[0] : undefined;
    return nameDer
      ? { tag, der: encodedBytes(name), nameDer: encodedBytes(nameDer) }
      : { tag, der: encodedBytes(name) };
  });
  return { generalNames, serialNumber: readIntegerBytes(serial, 'issuerSerial serialNumber') };
}
