import { NupkgSigningError, describeError } from '../errors.js';
import type { CertificateView } from './certificate.js';
import {
  StructureError,
  childrenOf,
  decodeDer,
  encodedBytes,
  isContextTag,
  isUniversal,
  primitiveContent,
  readIntegerBytes,
  readOctetString,
  readOid,
  readSmallInteger,
  type DerNode,
} from '../asn1/decode.js';
import { readTime } from '../asn1/time.js';
import { TAG } from '../asn1/tags.js';
import { OID } from '../asn1/oids.js';
import { readSignedData } from './signed-data.js';
import { signerInfoFromBlock, type SignerInfoView } from './signer-info.js';

/** MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING } */
export interface MessageImprint {
  readonly hashAlgorithmOid: string;
  readonly hashedMessage: Uint8Array;
}

/** TSTInfo (RFC 3161 §2.4.2). */
export interface TstInfo {
  readonly version: number;
  readonly policy: string;
  readonly messageImprint: MessageImprint;
  /** INTEGER content octets exactly as encoded. */
  readonly serialNumber: Uint8Array;
  /** genTime with its fractional seconds (to the millisecond). */
  readonly genTime: Date;
  /** The accuracy field as encoded, when present. */
  readonly accuracy?: {
    readonly seconds: number;
    readonly millis: number;
    readonly micros: number;
  };
  /**
   * Accuracy in microseconds as NuGet evaluates it (nuget-signing-spec.md §5.5): the encoded
   * value, else 1 s under the ETSI baseline policy 0.4.0.2023.1.1, else 0. A negative encoded
   * value is kept as is; the timestamp check rejects it.
   */
  readonly accuracyMicroseconds: number;
  readonly ordering: boolean;
  /** INTEGER content octets, when present. */
  readonly nonce?: Uint8Array;
  /** DER of the `[0]` GeneralName, when present. */
  readonly tsaName?: Uint8Array;
}

/** An RFC 3161 TimeStampToken: a SignedData over a TSTInfo. */
export interface TimestampTokenView {
  readonly der: Uint8Array;
  readonly signer: SignerInfoView;
  readonly certificates: CertificateView[];
  readonly eContentType: string;
  readonly tstInfoDer: Uint8Array;
  readonly tstInfo: TstInfo;
}

/**
 * Parses a signatureTimeStampToken attribute value. A token or TSTInfo that does not decode is
 * NU3003; a token that decodes but is not one SignerInfo over id-ct-TSTInfo is NU3021
 * (nuget-signing-spec.md §5.2, §5.6).
 */
export function parseTimestampToken(der: Uint8Array): TimestampTokenView {
  const parts = readSignedData(der, 'timestamp token');
  if (parts.signerInfoBlocks.length !== 1) {
    throw new NupkgSigningError(
      'NU3021',
      `The timestamp token has ${parts.signerInfoBlocks.length} SignerInfos; it must have exactly one.`,
    );
  }
  if (parts.eContentType !== OID.tstInfo) {
    throw new NupkgSigningError(
      'NU3021',
      `The timestamp token's content type is ${parts.eContentType}, not id-ct-TSTInfo (${OID.tstInfo}).`,
    );
  }
  if (!parts.eContent) {
    throw new NupkgSigningError('NU3021', 'The timestamp token does not contain its TSTInfo.');
  }
  return {
    der: parts.der,
    signer: signerInfoFromBlock(parts.signerInfoBlocks[0] as DerNode),
    certificates: parts.certificates,
    eContentType: parts.eContentType,
    tstInfoDer: parts.eContent,
    tstInfo: parseTstInfo(parts.eContent),
  };
}

export function parseTstInfo(der: Uint8Array): TstInfo {
  const root = decodeDer(der, 'timestamp TSTInfo');
  try {
    return readTstInfo(root);
  } catch (error) {
    throw new NupkgSigningError(
      'NU3003',
      `The timestamp TSTInfo cannot be decoded: ${describeError(error)}.`,
      {
        cause: error,
      },
    );
  }
}

/**
 * TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime,
 *   accuracy OPTIONAL, ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL,
 *   tsa [0] GeneralName OPTIONAL, extensions [1] IMPLICIT Extensions OPTIONAL }
 */
function readTstInfo(root: DerNode): TstInfo {
  if (!isUniversal(root, TAG.sequence)) throw new StructureError('TSTInfo is not a SEQUENCE');
  const fields = [...childrenOf(root)];
  const next = () => fields.shift();
  const version = readSmallInteger(next(), 'version');
  const policy = readOid(next(), 'policy');
  const messageImprint = readMessageImprint(next());
  const serialNumber = readIntegerBytes(next(), 'serialNumber');
  const genTimeBlock = next();
  if (!isUniversal(genTimeBlock, TAG.generalizedTime))
    throw new StructureError('genTime is not a GeneralizedTime');
  const genTime = readTime(genTimeBlock, 'genTime');
  const accuracy = isUniversal(fields[0], TAG.sequence)
    ? readAccuracy(next() as DerNode)
    : undefined;
  const ordering = isUniversal(fields[0], TAG.boolean)
    ? primitiveContent(next() as DerNode)[0] !== 0
    : false;
  const nonce = isUniversal(fields[0], TAG.integer) ? readIntegerBytes(next(), 'nonce') : undefined;
  const tsaWrapper = isContextTag(fields[0], 0) ? next() : undefined;
  if (isContextTag(fields[0], 1)) next();
  if (fields.length > 0) throw new StructureError('unexpected fields in TSTInfo');

  const tsaName = tsaWrapper ? childrenOf(tsaWrapper)[0] : undefined;
  return {
    version,
    policy,
    messageImprint,
    serialNumber,
    genTime,
    accuracy,
    accuracyMicroseconds: accuracy
      ? accuracy.seconds * 1_000_000 + accuracy.millis * 1_000 + accuracy.micros
      : policy === OID.etsiBaselineTimestampPolicy
        ? 1_000_000
        : 0,
    ordering,
    nonce,
    tsaName: tsaName ? encodedBytes(tsaName) : undefined,
  };
}

function readMessageImprint(block: DerNode | undefined): MessageImprint {
  if (!isUniversal(block, TAG.sequence) || !block)
    throw new StructureError('messageImprint is not a SEQUENCE');
  const [algorithm, hashedMessage] = childrenOf(block);
  if (!isUniversal(algorithm, TAG.sequence) || !algorithm)
    throw new StructureError('hashAlgorithm is missing');
  return {
    hashAlgorithmOid: readOid(childrenOf(algorithm)[0], 'messageImprint hashAlgorithm'),
    hashedMessage: readOctetString(hashedMessage, 'hashedMessage'),
  };
}

/** Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] OPTIONAL, micros [1] OPTIONAL } */
function readAccuracy(block: DerNode) {
  let seconds = 0;
  let millis = 0;
  let micros = 0;
  for (const field of childrenOf(block)) {
    if (isUniversal(field, TAG.integer)) seconds = signedInteger(primitiveContent(field));
    else if (isContextTag(field, 0)) millis = signedInteger(primitiveContent(field));
    else if (isContextTag(field, 1)) micros = signedInteger(primitiveContent(field));
    else throw new StructureError('unexpected field in accuracy');
  }
  return { seconds, millis, micros };
}

/** Two's-complement big-endian content octets as a number (implicitly tagged INTEGERs). */
function signedInteger(content: Uint8Array): number {
  if (content.length === 0 || content.length > 6)
    throw new StructureError('accuracy value out of range');
  const unsigned = BigInt(`0x${Buffer.from(content).toString('hex')}`);
  return Number(BigInt.asIntN(content.length * 8, unsigned));
}
