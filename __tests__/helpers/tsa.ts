/**
 * A test RFC 3161 timestamp authority. Good by default; one option per way a real TSA (or an
 * attacker) can get a response wrong, so client and verifier tests can hit each NU code.
 *
 *   const authority = createTimestampAuthority({ certificate: tsa.certificate, privateKey: tsa.keyObject, clock });
 *   const token = await authority.issueToken({ hashAlgorithmOid: OID.sha256, hashedMessage });
 *   const replay = authority.with({ wrongNonce: true });
 */
import type { webcrypto } from 'node:crypto';
import { createHash, KeyObject, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import { getPkijs, toArrayBuffer } from '../../src/crypto.js';
import { OID } from '../../src/asn1/oids.js';
import type { TestCertificate } from './pki.js';

const pkijs = getPkijs();

type DigestName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const DIGEST_OIDS: Record<DigestName, string> = {
  sha1: OID.sha1,
  sha256: OID.sha256,
  sha384: OID.sha384,
  sha512: OID.sha512,
};
const ECDSA_OIDS: Record<DigestName, string> = {
  sha1: '1.2.840.10045.4.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};

/** A policy OID under the documentation arc; ETSI baseline is OID.etsiBaselineTimestampPolicy. */
export const TEST_TSA_POLICY = '1.3.6.1.4.1.99999.1.1';

export interface MessageImprint {
  readonly hashAlgorithmOid: string;
  readonly hashedMessage: Uint8Array;
}

export interface TimestampAuthorityOptions {
  /** DER TSA certificate. */
  certificate: Uint8Array;
  privateKey: KeyObject | webcrypto.CryptoKey;
  /** Extra DER certificates put in the token (intermediates, root). */
  chain?: Uint8Array[];
  /** genTime source. */
  clock: () => Date;
  accuracy?: { seconds?: number; millis?: number; micros?: number };
  policy?: string;
  /** Digest of the token's SignerInfo; 'sha1' gives the NU3024 case. Default sha256. */
  hashAlgorithm?: DigestName;
  /** Default true; false (or omitCertificates) leaves SignedData.certificates empty. */
  includeCertificates?: boolean;
  omitCertificates?: boolean;
  /** Which ESS attribute(s) identify the TSA certificate. Default 'v2'. */
  signingCertificateVersion?: 'v1' | 'v2' | 'both' | 'none';
  /** The ESS attribute hashes some other bytes. */
  wrongSigningCertificate?: boolean;
  /** SignerInfo identifies the certificate by SubjectKeyIdentifier instead of issuer+serial. */
  sidBySubjectKeyIdentifier?: boolean;
  /** Echo a different nonce (NU3026) or none at all. */
  wrongNonce?: boolean;
  omitNonce?: boolean;
  /** Write the nonce as an INTEGER with no content octets, which X.690 forbids. */
  emptyNonce?: boolean;
  /** Timestamp a different hash (NU3019) or name a different algorithm. */
  wrongImprint?: boolean;
  imprintAlgorithmOid?: string;
  /** PKIStatus to answer with; anything but 0/1 sends no token. */
  status?: number;
  statusString?: string;
  /** PKIFailureInfo bit number (e.g. 0 badAlg, 25 systemFailure). */
  failInfo?: number;
  /** TSTInfo version; default 1. */
  tstInfoVersion?: number;
  /** eContentType; default id-ct-TSTInfo. */
  eContentType?: string;
  /** Flip a bit of the signature value (NU3021). */
  corruptSignature?: boolean;
  /** Sign the TSTInfo as it is, then change its genTime by this many ms (message-digest mismatch). */
  tamperGenTimeMs?: number;
}

export interface TimestampAuthority {
  readonly options: Readonly<TimestampAuthorityOptions>;
  /** DER ContentInfo(SignedData(TSTInfo)). */
  issueToken(imprint: MessageImprint, nonce?: Uint8Array, certReq?: boolean): Promise<Uint8Array>;
  /** Answers a DER TimeStampReq with a DER TimeStampResp. */
  respond(requestDer: Uint8Array): Promise<Uint8Array>;
  /** The same authority with some options changed. */
  with(overrides: Partial<TimestampAuthorityOptions>): TimestampAuthority;
}

let serialCounter = 1;

export function createTimestampAuthority(options: TimestampAuthorityOptions): TimestampAuthority {
  const keyObject =
    options.privateKey instanceof KeyObject
      ? options.privateKey
      : KeyObject.from(options.privateKey);
  const authority: TimestampAuthority = {
    options,
    issueToken: async (imprint, nonce, certReq = true) =>
      issueToken(options, keyObject, imprint, nonce, certReq),
    respond: async (requestDer) => respond(authority, requestDer),
    with: (overrides) => createTimestampAuthority({ ...options, ...overrides }),
  };
  return authority;
}

async function respond(authority: TimestampAuthority, requestDer: Uint8Array): Promise<Uint8Array> {
  const { options } = authority;
  if (options.status !== undefined && options.status !== 0 && options.status !== 1) {
    return encodeResponse(options.status, options.statusString, options.failInfo, undefined);
  }
  let request: InstanceType<typeof pkijs.TimeStampReq>;
  try {
    request = pkijs.TimeStampReq.fromBER(toArrayBuffer(requestDer));
  } catch {
    return encodeResponse(2, 'The request could not be decoded.', 5, undefined); // badDataFormat
  }
  const imprint = {
    hashAlgorithmOid: request.messageImprint.hashAlgorithm.algorithmId,
    hashedMessage: request.messageImprint.hashedMessage.valueBlock.valueHexView,
  };
  const nonce = request.nonce?.valueBlock.valueHexView;
  const token = await authority.issueToken(imprint, nonce, request.certReq ?? false);
  return encodeResponse(options.status ?? 0, options.statusString, options.failInfo, token);
}

function issueToken(
  options: TimestampAuthorityOptions,
  keyObject: KeyObject,
  imprint: MessageImprint,
  requestNonce: Uint8Array | undefined,
  certReq: boolean,
): Uint8Array {
  const digestName = options.hashAlgorithm ?? 'sha256';
  const tstInfoDer = encodeTstInfo(options, imprint, requestNonce);
  const tsaCertificate = pkijs.Certificate.fromBER(toArrayBuffer(options.certificate));

  const signedAttributes = [
    attribute(
      OID.contentType,
      new asn1js.ObjectIdentifier({ value: options.eContentType ?? OID.tstInfo }),
    ),
    attribute(
      OID.messageDigest,
      new asn1js.OctetString({ valueHex: digestOf(digestName, tstInfoDer) }),
    ),
    ...signingCertificateAttributes(options, tsaCertificate),
  ];
  // DER SET OF: sort by encoding, sign exactly those bytes, encode in that order.
  signedAttributes.sort((a, b) => Buffer.compare(encode(a), encode(b)));
  const signedAttrsSet = new asn1js.Set({ value: signedAttributes.map((a) => a.toSchema()) });
  const signature = sign(digestName, Buffer.from(signedAttrsSet.toBER(false)), keyObject);
  if (options.corruptSignature) signature[signature.length - 1]! ^= 0x01;

  const isRsa = keyObject.asymmetricKeyType === 'rsa';
  const signerInfo = new pkijs.SignerInfo({
    version: options.sidBySubjectKeyIdentifier ? 3 : 1,
    sid: options.sidBySubjectKeyIdentifier
      ? new asn1js.Primitive({
          idBlock: { tagClass: 3, tagNumber: 0 },
          valueHex: subjectKeyIdentifier(tsaCertificate),
        })
      : new pkijs.IssuerAndSerialNumber({
          issuer: tsaCertificate.issuer,
          serialNumber: tsaCertificate.serialNumber,
        }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OIDS[digestName] }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: signedAttributes }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: isRsa ? OID.rsaEncryption : ECDSA_OIDS[digestName],
    }),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });

  let content = tstInfoDer;
  if (options.tamperGenTimeMs !== undefined) {
    const shifted = new Date(options.clock().getTime() + options.tamperGenTimeMs);
    content = encodeTstInfo({ ...options, clock: () => shifted }, imprint, requestNonce);
  }
  const includeCertificates =
    certReq && options.includeCertificates !== false && options.omitCertificates !== true;
  const signedData = new pkijs.SignedData({
    version: 3,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OIDS[digestName] })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: options.eContentType ?? OID.tstInfo,
      eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(content) }),
    }),
    certificates: includeCertificates
      ? [options.certificate, ...(options.chain ?? [])].map((der) =>
          pkijs.Certificate.fromBER(toArrayBuffer(der)),
        )
      : undefined,
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({
    contentType: OID.signedData,
    content: signedData.toSchema(true),
  });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

/** RFC 3161 §2.4.2 TSTInfo. */
function encodeTstInfo(
  options: TimestampAuthorityOptions,
  imprint: MessageImprint,
  requestNonce: Uint8Array | undefined,
): Uint8Array {
  const hashedMessage = Uint8Array.from(imprint.hashedMessage);
  if (options.wrongImprint) hashedMessage[0] = hashedMessage[0]! ^ 0xff;
  let nonce = requestNonce === undefined ? undefined : Uint8Array.from(requestNonce);
  if (nonce !== undefined && options.wrongNonce) {
    nonce[nonce.length - 1] = nonce[nonce.length - 1]! ^ 0x01;
  }
  if (options.omitNonce) nonce = undefined;

  const tstInfo = new pkijs.TSTInfo({
    version: options.tstInfoVersion ?? 1,
    policy: options.policy ?? TEST_TSA_POLICY,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({
        algorithmId: options.imprintAlgorithmOid ?? imprint.hashAlgorithmOid,
        algorithmParams: new asn1js.Null(),
      }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(hashedMessage) }),
    }),
    serialNumber: new asn1js.Integer({ value: serialCounter++ }),
    genTime: options.clock(),
    // pkijs writes a key that is present but undefined as an empty field (`30 00`, `02 00`):
    // include optional fields only when they have a value.
    ...(options.accuracy === undefined ? {} : { accuracy: new pkijs.Accuracy(options.accuracy) }),
    ...(nonce === undefined
      ? {}
      : { nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }) }),
    // The defect .NET rejects (NU3003): a nonce INTEGER with no content octets.
    ...(options.emptyNonce ? { nonce: new asn1js.Integer({ valueHex: new ArrayBuffer(0) }) } : {}),
  });
  return new Uint8Array(tstInfo.toSchema().toBER(false));
}

/** signing-certificate (RFC 2634 ESSCertID, SHA-1) and/or signing-certificate-v2 (RFC 5035). */
function signingCertificateAttributes(
  options: TimestampAuthorityOptions,
  certificate: InstanceType<typeof pkijs.Certificate>,
): InstanceType<typeof pkijs.Attribute>[] {
  const version = options.signingCertificateVersion ?? 'v2';
  const hashed = options.wrongSigningCertificate
    ? Uint8Array.from([...options.certificate, 0])
    : options.certificate;
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.Constructed({
            idBlock: { tagClass: 3, tagNumber: 4 },
            value: [certificate.issuer.toSchema()],
          }),
        ],
      }),
      certificate.serialNumber,
    ],
  });
  const essCertId = (digestName: DigestName, withAlgorithm: boolean) =>
    new asn1js.Sequence({
      value: [
        ...(withAlgorithm
          ? [
              new asn1js.Sequence({
                value: [new asn1js.ObjectIdentifier({ value: DIGEST_OIDS[digestName] })],
              }),
            ]
          : []),
        new asn1js.OctetString({ valueHex: digestOf(digestName, hashed) }),
        issuerSerial,
      ],
    });
  const wrap = (certId: asn1js.Sequence) =>
    new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [certId] })] });

  const attributes: InstanceType<typeof pkijs.Attribute>[] = [];
  if (version === 'v1' || version === 'both') {
    attributes.push(attribute(OID.signingCertificate, wrap(essCertId('sha1', false))));
  }
  if (version === 'v2' || version === 'both') {
    // hashAlgorithm omitted: RFC 5035's default SHA-256, as many public TSAs write it.
    attributes.push(attribute(OID.signingCertificateV2, wrap(essCertId('sha256', false))));
  }
  return attributes;
}

/** TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL } */
function encodeResponse(
  status: number,
  statusString: string | undefined,
  failInfo: number | undefined,
  token: Uint8Array | undefined,
): Uint8Array {
  const statusInfo: asn1js.AsnType[] = [new asn1js.Integer({ value: status })];
  if (statusString !== undefined) {
    statusInfo.push(
      new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: statusString })] }),
    );
  }
  if (failInfo !== undefined) {
    const bytes = new Uint8Array(Math.floor(failInfo / 8) + 1);
    bytes[bytes.length - 1] = 0x80 >> (failInfo % 8);
    statusInfo.push(
      new asn1js.BitString({ valueHex: toArrayBuffer(bytes), unusedBits: 7 - (failInfo % 8) }),
    );
  }
  const value: asn1js.AsnType[] = [new asn1js.Sequence({ value: statusInfo })];
  if (token !== undefined) value.push(asn1js.fromBER(toArrayBuffer(token)).result);
  return new Uint8Array(new asn1js.Sequence({ value }).toBER(false));
}

function attribute(type: string, value: asn1js.AsnType): InstanceType<typeof pkijs.Attribute> {
  return new pkijs.Attribute({ type, values: [value] });
}

function encode(value: InstanceType<typeof pkijs.Attribute>): Buffer {
  return Buffer.from(value.toSchema().toBER(false));
}

function digestOf(name: DigestName, data: Uint8Array): ArrayBuffer {
  return toArrayBuffer(createHash(name).update(data).digest());
}

function subjectKeyIdentifier(certificate: InstanceType<typeof pkijs.Certificate>): ArrayBuffer {
  const extension = certificate.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier);
  const keyId = extension?.parsedValue as asn1js.OctetString | undefined;
  if (keyId === undefined) throw new Error('the TSA certificate has no subject key identifier');
  return toArrayBuffer(keyId.valueBlock.valueHexView);
}

/**
 * The TSA of a test PKI (`pki.tsa`, its root embedded in every token) with `clock` (default: the
 * real time), as most signing tests serve it.
 */
export function timestampAuthorityOf(
  pki: { readonly tsa: TestCertificate; readonly tsaRoot: TestCertificate },
  clock: () => Date = () => new Date(),
): TimestampAuthority {
  return createTimestampAuthority({
    certificate: pki.tsa.certificate,
    privateKey: pki.tsa.keyObject,
    chain: [pki.tsaRoot.certificate],
    clock,
  });
}
