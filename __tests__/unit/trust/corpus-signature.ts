/**
 * Extracts what the trust tests need from a real package's `.signature.p7s` with pkijs directly
 * (the product's signature model lives elsewhere): the signer certificate, the CMS certificates,
 * and the same for the RFC 3161 timestamp token in the signature-time-stamp-token attribute.
 */
import * as asn1js from 'asn1js';
import { getPkijs, toArrayBuffer } from '../../../src/crypto.js';
import { openPackageArchive } from '../../../src/package/archive.js';
import { readSignatureEntry } from '../../../src/package/signature-entry.js';
import { OID } from '../../../src/asn1/oids.js';

export interface SignedCertificates {
  readonly signer: Uint8Array;
  readonly certificates: Uint8Array[];
}

export interface CorpusSignature {
  readonly primary: SignedCertificates;
  readonly timestamp: (SignedCertificates & { readonly genTime: Date }) | undefined;
}

type SignedData = InstanceType<ReturnType<typeof getPkijs>['SignedData']>;

const cache = new Map<string, Promise<CorpusSignature>>();

/** Memoised: the tests read the same few packages several times. */
export function readCorpusSignature(path: string): Promise<CorpusSignature> {
  let pending = cache.get(path);
  if (!pending) {
    pending = read(path);
    cache.set(path, pending);
  }
  return pending;
}

async function read(path: string): Promise<CorpusSignature> {
  const archive = await openPackageArchive(path);
  try {
    const entry = await readSignatureEntry(archive);
    const signedData = parseSignedData(entry.bytes);
    const signerInfo = signedData.signerInfos[0];
    if (!signerInfo) throw new Error(`${path}: no SignerInfo`);
    const tokenAttribute = signerInfo.unsignedAttrs?.attributes.find(
      (attribute) => attribute.type === OID.signatureTimeStampToken,
    );
    const tokenValue = tokenAttribute?.values[0];
    return {
      primary: certificatesOf(signedData, rawCertificates(entry.bytes)),
      timestamp: tokenValue ? timestampOf(tokenValue.toBER()) : undefined,
    };
  } finally {
    await archive.file.close();
  }
}

function parseSignedData(bytes: Uint8Array): SignedData {
  const pkijs = getPkijs();
  const contentInfo = pkijs.ContentInfo.fromBER(toArrayBuffer(bytes));
  return new pkijs.SignedData({ schema: contentInfo.content as asn1js.Sequence });
}

function timestampOf(tokenDer: ArrayBuffer): SignedCertificates & { genTime: Date } {
  const token = new Uint8Array(tokenDer);
  const signedData = parseSignedData(token);
  const content = signedData.encapContentInfo.eContent;
  if (!content) throw new Error('timestamp token without TSTInfo');
  const tstInfo = getPkijs().TSTInfo.fromBER(content.getValue());
  return { ...certificatesOf(signedData, rawCertificates(token)), genTime: tstInfo.genTime };
}

/** The CMS certificates as their original DER, and the signer's one (found by SKI or issuer+serial). */
function certificatesOf(signedData: SignedData, raw: Uint8Array[]): SignedCertificates {
  const pkijs = getPkijs();
  const sid = signedData.signerInfos[0]?.sid;
  const signer = raw.find((der) => {
    const certificate = pkijs.Certificate.fromBER(toArrayBuffer(der));
    if (sid instanceof pkijs.IssuerAndSerialNumber) {
      return (
        certificate.serialNumber.isEqual(sid.serialNumber) && certificate.issuer.isEqual(sid.issuer)
      );
    }
    const ski = certificate.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier);
    const value = ski ? asn1js.fromBER(ski.extnValue.valueBlock.valueHexView).result : undefined;
    const sidBytes = (sid as asn1js.Primitive | undefined)?.valueBlock.valueHexView;
    return (
      value instanceof asn1js.OctetString &&
      sidBytes !== undefined &&
      Buffer.from(value.valueBlock.valueHexView).equals(Buffer.from(sidBytes))
    );
  });
  if (!signer) throw new Error('signer certificate not found in the CMS');
  return { signer, certificates: raw };
}

/** SignedData `certificates [0] IMPLICIT SET OF` members, byte for byte as stored. */
function rawCertificates(contentInfoDer: Uint8Array): Uint8Array[] {
  const contentInfo = asn1js.fromBER(contentInfoDer).result as asn1js.Sequence;
  const explicit = contentInfo.valueBlock.value[1] as asn1js.Constructed;
  const signedData = explicit.valueBlock.value[0] as asn1js.Sequence;
  const certificateSet = signedData.valueBlock.value.find(
    (block) => block.idBlock.tagClass === 3 && block.idBlock.tagNumber === 0,
  ) as asn1js.Constructed | undefined;
  return (certificateSet?.valueBlock.value ?? [])
    .filter((block) => block instanceof asn1js.Sequence)
    .map((block) => new Uint8Array(block.valueBeforeDecodeView));
}
