import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import { getPkijs } from '../../../../src/crypto.js';
import { OID } from '../../../../src/asn1/oids.js';

/**
 * Builders for CMS structures, good and bad, written with asn1js so each test states exactly
 * the bytes it feeds the parser. Signatures are never valid: the model does not verify them.
 */

type Block = asn1js.AsnType;

export const encode = (block: Block): Uint8Array => new Uint8Array(block.toBER());
export const oid = (value: string) => new asn1js.ObjectIdentifier({ value });
export const sequence = (...value: Block[]) => new asn1js.Sequence({ value });
export const set = (...value: Block[]) => new asn1js.Set({ value });
export const integer = (value: number) => new asn1js.Integer({ value });
export const octets = (bytes: Uint8Array) => new asn1js.OctetString({ valueHex: bytes });
export const utf8 = (value: string) => new asn1js.Utf8String({ value });
export const ia5 = (value: string) => new asn1js.IA5String({ value });

/** `[n]` constructed, context-specific (EXPLICIT, or IMPLICIT over a constructed type). */
export const context = (tagNumber: number, ...value: Block[]) =>
  new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value });

/** `[n]` primitive, context-specific (IMPLICIT over a primitive type). */
export const contextPrimitive = (tagNumber: number, bytes: Uint8Array) =>
  new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber }, valueHex: bytes });

/** A block holding bytes that are already encoded (asn1js re-parses them). */
export function raw(bytes: Uint8Array): Block {
  const decoded = asn1js.fromBER(bytes);
  if (decoded.offset === -1) throw new Error('test bytes do not decode');
  return decoded.result;
}

export const attribute = (type: string, ...values: Block[]) => sequence(oid(type), set(...values));
/** A CommitmentTypeIndication value, with an optional commitmentTypeQualifier SEQUENCE. */
export const commitment = (type: string, qualifiers?: Block) =>
  qualifiers ? sequence(oid(type), qualifiers) : sequence(oid(type));
export const utcTime = (date: Date) => new asn1js.UTCTime({ valueDate: date });

export interface SignerInfoOptions {
  sid?: Block;
  signedAttributes?: Block[];
  unsignedAttributes?: Block[];
  signature?: Uint8Array;
}

export const SKI = Uint8Array.from([
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
]);

export function signerInfo(options: SignerInfoOptions = {}): Block {
  const sid = options.sid ?? contextPrimitive(0, SKI);
  const fields: Block[] = [
    integer(sid instanceof asn1js.Sequence ? 1 : 3),
    sid,
    sequence(oid(OID.sha256)),
  ];
  if (options.signedAttributes) fields.push(context(0, ...options.signedAttributes));
  fields.push(
    sequence(oid(OID.rsaEncryption)),
    octets(options.signature ?? new Uint8Array(256).fill(7)),
  );
  if (options.unsignedAttributes) fields.push(context(1, ...options.unsignedAttributes));
  return sequence(...fields);
}

export interface SignedDataOptions {
  contentType?: string;
  eContentType?: string;
  /** undefined leaves the content detached. */
  eContent?: Uint8Array;
  certificates?: Uint8Array[];
  signerInfos?: Block[];
}

export function contentInfo(options: SignedDataOptions = {}): Uint8Array {
  const encap: Block[] = [oid(options.eContentType ?? OID.data)];
  if (options.eContent) encap.push(context(0, octets(options.eContent)));
  const fields: Block[] = [integer(3), set(sequence(oid(OID.sha256))), sequence(...encap)];
  if (options.certificates?.length) fields.push(context(0, ...options.certificates.map(raw)));
  fields.push(set(...(options.signerInfos ?? [signerInfo()])));
  return encode(
    sequence(oid(options.contentType ?? OID.signedData), context(0, sequence(...fields))),
  );
}

export interface TstInfoOptions {
  policy?: string;
  genTime?: string;
  accuracy?: Block;
  nonce?: number;
  hashedMessage?: Uint8Array;
}

export function tstInfo(options: TstInfoOptions = {}): Uint8Array {
  const fields: Block[] = [
    integer(1),
    oid(options.policy ?? '1.2.3.4'),
    sequence(
      sequence(oid(OID.sha256)),
      octets(options.hashedMessage ?? new Uint8Array(32).fill(9)),
    ),
    integer(4242),
    new asn1js.GeneralizedTime({ value: options.genTime ?? '20240102030405Z' }),
  ];
  if (options.accuracy) fields.push(options.accuracy);
  if (options.nonce !== undefined) fields.push(integer(options.nonce));
  return encode(sequence(...fields));
}

export function timestampToken(
  options: { tstInfo?: Uint8Array; eContentType?: string; signerInfos?: Block[] } = {},
): Uint8Array {
  return contentInfo({
    eContentType: options.eContentType ?? OID.tstInfo,
    eContent: options.tstInfo ?? tstInfo(),
    signerInfos: options.signerInfos ?? [signerInfo()],
  });
}

export interface CertificateOptions {
  subject?: [string, string][];
  issuer?: [string, string][];
  serialNumber?: Uint8Array;
  subjectKeyIdentifier?: Uint8Array;
  extendedKeyUsage?: { oids: string[]; critical: boolean };
  basicConstraints?: { ca: boolean; pathLength?: number };
  notBefore?: Date;
  notAfter?: Date;
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after. */
function time(value: Date) {
  return new (getPkijs().Time)({ type: value.getUTCFullYear() < 2050 ? 0 : 1, value });
}

let keyPair: Promise<webcrypto.CryptoKeyPair> | undefined;

/** A self-signed-by-construction RSA-2048 certificate built with pkijs (one key for all tests). */
export async function createCertificate(options: CertificateOptions = {}): Promise<Uint8Array> {
  const pkijs = getPkijs();
  keyPair ??= webcrypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      hash: 'SHA-256',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
    },
    true,
    ['sign', 'verify'],
  ) as Promise<webcrypto.CryptoKeyPair>;
  const keys = await keyPair;
  // One RDN per attribute, built by hand: pkijs would put them all in one multi-valued RDN.
  const name = (attributes: [string, string][]) =>
    new pkijs.RelativeDistinguishedNames({
      schema: raw(
        encode(
          sequence(...attributes.map(([type, value]) => set(sequence(oid(type), utf8(value))))),
        ),
      ),
    });
  const subject = options.subject ?? [['2.5.4.3', 'Test Signer']];
  const certificate = new pkijs.Certificate({
    version: 2,
    serialNumber: new asn1js.Integer({ valueHex: options.serialNumber ?? Uint8Array.from([1, 2]) }),
    subject: name(subject),
    issuer: name(options.issuer ?? subject),
    notBefore: time(options.notBefore ?? new Date('2020-01-01T00:00:00Z')),
    notAfter: time(options.notAfter ?? new Date('2030-01-01T00:00:00Z')),
  });
  const extensions: InstanceType<typeof pkijs.Extension>[] = [];
  if (options.subjectKeyIdentifier) {
    extensions.push(
      new pkijs.Extension({
        extnID: OID.subjectKeyIdentifier,
        extnValue: octets(options.subjectKeyIdentifier).toBER(),
      }),
    );
  }
  if (options.extendedKeyUsage) {
    extensions.push(
      new pkijs.Extension({
        extnID: OID.extKeyUsage,
        critical: options.extendedKeyUsage.critical,
        extnValue: sequence(...options.extendedKeyUsage.oids.map(oid)).toBER(),
      }),
    );
  }
  if (options.basicConstraints) {
    const { ca, pathLength } = options.basicConstraints;
    const fields: Block[] = [new asn1js.Boolean({ value: ca })];
    if (pathLength !== undefined) fields.push(integer(pathLength));
    extensions.push(
      new pkijs.Extension({
        extnID: OID.basicConstraints,
        critical: true,
        extnValue: sequence(...fields).toBER(),
      }),
    );
  }
  if (extensions.length) certificate.extensions = extensions;
  await certificate.subjectPublicKeyInfo.importKey(keys.publicKey);
  await certificate.sign(keys.privateKey, 'SHA-256');
  return new Uint8Array(certificate.toSchema(true).toBER());
}
