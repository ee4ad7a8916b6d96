import * as asn1js from 'asn1js';
import type * as pkijsTypes from 'pkijs';
import { getPkijs, toArrayBuffer } from '../crypto.js';
import { NupkgSigningError } from '../errors.js';
import { OID } from '../signature/oids.js';

/** A certificate from a CMS `certificates` set, with the exact DER it was carried in. */
export interface EmbeddedCertificate {
  readonly der: Uint8Array;
  readonly certificate: pkijsTypes.Certificate;
}

/** The RFC 3161 §2.4.2 TSTInfo fields a client or verifier looks at. */
export interface TstInfoView {
  readonly version: number;
  readonly policy: string;
  readonly hashAlgorithmOid: string;
  readonly hashedMessage: Uint8Array;
  readonly genTime: Date;
  /** Content octets of the nonce INTEGER, when present. */
  readonly nonce: Uint8Array | undefined;
  readonly accuracy: { seconds?: number; millis?: number; micros?: number } | undefined;
}

/** A decoded TimeStampToken (RFC 3161 §2.4.2): a ContentInfo wrapping SignedData over TSTInfo. */
export interface TimeStampToken {
  readonly der: Uint8Array;
  readonly signedData: pkijsTypes.SignedData;
  readonly signerInfo: pkijsTypes.SignerInfo;
  /** The eContent octets (the DER TSTInfo the message-digest attribute covers). */
  readonly tstInfoDer: Uint8Array;
  readonly tstInfo: TstInfoView;
  readonly certificates: readonly EmbeddedCertificate[];
}

/**
 * Decodes a TimeStampToken. Structural problems are NU3021, the code NuGet gives an invalid token
 * (nuget-signing-spec.md §5.2).
 */
export function parseTimeStampToken(der: Uint8Array, source: string): TimeStampToken {
  const pkijs = getPkijs();
  const invalid = (why: string, cause?: unknown) =>
    new NupkgSigningError('NU3021', `The timestamp token from ${source} is invalid: ${why}.`, {
      cause,
    });

  const decoded = asn1js.fromBER(toArrayBuffer(der));
  if (decoded.offset === -1 || decoded.offset !== der.byteLength) {
    throw invalid('it is not a single DER value');
  }
  let signedData: pkijsTypes.SignedData;
  let signedDataSchema: asn1js.AsnType;
  try {
    const contentInfo = new pkijs.ContentInfo({ schema: decoded.result });
    if (contentInfo.contentType !== OID.signedData) throw invalid('it is not CMS SignedData');
    signedDataSchema = contentInfo.content as asn1js.AsnType;
    signedData = new pkijs.SignedData({ schema: signedDataSchema });
  } catch (error) {
    if (error instanceof NupkgSigningError) throw error;
    throw invalid('it does not decode as CMS SignedData', error);
  }

  if (signedData.encapContentInfo.eContentType !== OID.tstInfo) {
    throw invalid(`its content type is ${signedData.encapContentInfo.eContentType}, not TSTInfo`);
  }
  const eContent = signedData.encapContentInfo.eContent;
  if (eContent === undefined) throw invalid('it has no TSTInfo content');
  const tstInfoDer = octetStringContents(eContent);

  const [signerInfo, ...otherSigners] = signedData.signerInfos;
  if (signerInfo === undefined || otherSigners.length > 0) {
    throw invalid(`it has ${signedData.signerInfos.length} signers instead of one`);
  }

  let tstInfo: pkijsTypes.TSTInfo;
  try {
    const tstDecoded = asn1js.fromBER(toArrayBuffer(tstInfoDer));
    if (tstDecoded.offset === -1) throw new Error('not BER');
    tstInfo = new pkijs.TSTInfo({ schema: tstDecoded.result });
  } catch (error) {
    throw invalid('its TSTInfo does not decode', error);
  }

  return {
    der: Uint8Array.from(der),
    signedData,
    signerInfo,
    tstInfoDer,
    tstInfo: viewOf(tstInfo),
    certificates: embeddedCertificates(signedDataSchema),
  };
}

function viewOf(tstInfo: pkijsTypes.TSTInfo): TstInfoView {
  const { accuracy } = tstInfo;
  return {
    version: tstInfo.version,
    policy: tstInfo.policy,
    hashAlgorithmOid: tstInfo.messageImprint.hashAlgorithm.algorithmId,
    hashedMessage: Uint8Array.from(tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView),
    genTime: tstInfo.genTime,
    nonce:
      tstInfo.nonce === undefined
        ? undefined
        : Uint8Array.from(tstInfo.nonce.valueBlock.valueHexView),
    accuracy:
      accuracy === undefined
        ? undefined
        : { seconds: accuracy.seconds, millis: accuracy.millis, micros: accuracy.micros },
  };
}

/** OCTET STRING contents, joining the segments of a constructed (BER) encoding. */
export function octetStringContents(value: asn1js.OctetString): Uint8Array {
  if (!value.idBlock.isConstructed) return Uint8Array.from(value.valueBlock.valueHexView);
  const parts = value.valueBlock.value.map((part) =>
    octetStringContents(part as asn1js.OctetString),
  );
  return Uint8Array.from(Buffer.concat(parts));
}

/**
 * Certificates of SignedData `certificates [0]`, read from the original encoding so hashes
 * (ESSCertIDv2, fingerprints) are over the bytes the TSA sent rather than a re-encoding.
 */
function embeddedCertificates(signedDataSchema: asn1js.AsnType): EmbeddedCertificate[] {
  const pkijs = getPkijs();
  if (!(signedDataSchema instanceof asn1js.Sequence)) return [];
  const set = signedDataSchema.valueBlock.value.find(
    (element) => element.idBlock.tagClass === 3 && element.idBlock.tagNumber === 0,
  );
  if (!(set instanceof asn1js.Constructed)) return [];
  const result: EmbeddedCertificate[] = [];
  for (const element of set.valueBlock.value) {
    // Only X.509 certificates (a plain SEQUENCE); other CertificateChoices are skipped.
    if (!(element instanceof asn1js.Sequence)) continue;
    result.push({
      der: Uint8Array.from(element.valueBeforeDecodeView),
      certificate: new pkijs.Certificate({ schema: element }),
    });
  }
  return result;
}
