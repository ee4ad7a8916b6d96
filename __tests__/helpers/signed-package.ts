/**
 * Signed test packages with one option per defect NuGet's verifier looks for
 * (nuget-signing-spec.md §4, §5), signed here with a generated PKI:
 *
 *   code signing:  root → intermediate → leaf        (trusted: `pki.trust.codeSigning`)
 *   timestamping:  tsaRoot → tsa                       (trusted: `pki.trust.timestamping`)
 *   untrusted:     untrustedRoot → untrusted leaf / untrusted TSA
 *
 *   const path = await makeSignedPackage({ directory, id: 'Expired', signingCertificate: 'expired' });
 *   const subject = await verifyPackage(path, { policy, now: new Date(), trust: (await signingPki()).trust });
 *
 * Good by default: an author signature, SHA-256, timestamped now by the trusted TSA. The signature
 * is built with the product's CMS builders and attached with the test zip writer (independent of
 * the product's package writer). A defect certificate is a fresh leaf from the same intermediate
 * with the good leaf's key (so no RSA key is generated per defect); the repository countersigner
 * and the untrusted-root leaf have keys of their own, because a signer identified by subject key
 * identifier must not share it with another certificate of the same signature.
 */
import { createHash, randomBytes, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digest } from '../../src/crypto.js';
import type { HashAlgorithmName } from '../../src/hash-algorithms.js';
import { HASH_ALGORITHMS } from '../../src/hash-algorithms.js';
import { OID } from '../../src/asn1/oids.js';
import {
  algorithmIdentifier,
  encodeTlv,
  objectIdentifier,
  octetString,
  sequence,
  setOf,
  smallInteger,
} from '../../src/asn1/encode.js';
import { concat } from '../../src/asn1/bytes.js';
import { contextTag } from '../../src/asn1/tags.js';
import { buildSignatureContent } from '../../src/signature/signature-content.js';
import { encodeSignedData, encodeSignerInfo } from '../../src/sign/cms-parts.js';
import { addRepositoryCountersignature } from '../../src/sign/countersignature-builder.js';
import { LocalKeySigner } from '../../src/sign/local-key-signer.js';
import {
  buildPrimarySignature,
  type SignatureOverrides,
} from '../../src/sign/signature-builder.js';
import {
  commitmentTypeIndicationAttribute,
  contentTypeAttribute,
  messageDigestAttribute,
  signingCertificateV1Attribute,
  signingCertificateV2Attribute,
  signingTimeAttribute,
  sortSignedAttributes,
} from '../../src/sign/signed-attributes.js';
import { readSignerCertificate } from '../../src/sign/signer-certificate.js';
import {
  addTimestampToken,
  timestampImprintOf,
  type SignerInfoTarget,
} from '../../src/sign/timestamp-attribute.js';
import { TrustStore } from '../../src/trust/trust-store.js';
import type { TrustStores } from '../../src/trust/bundled-roots.js';
import {
  createRootCa,
  generateTestKeyPair,
  x509,
  type CertificateOptions,
  type TestCa,
  type TestCertificate,
  type TestKeyPair,
} from './pki.js';
import { createTimestampAuthority, type TimestampAuthorityOptions } from './tsa.js';
import { buildZip, nuspecEntry, appendSignatureEntry } from './zip-builder.js';

export const SERVICE_INDEX_URL = 'https://packages.example.test/v3/index.json';

/** An EKU that is not code signing (id-kp-serverAuth). */
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/** Ways the signing certificate can be wrong (spec §4.5); each yields a fresh leaf. */
export type SigningCertificateDefect =
  /** Valid 2020-01-01 to 2023-01-01: expired now (NU3037 unless timestamped before expiry). */
  | 'expired'
  /** Valid from 2040 (NU3017). */
  | 'not-yet-valid'
  /** EKU server authentication only: the chain is not valid for code signing (NU3012). */
  | 'no-code-signing-eku'
  /** No EKU extension at all: valid for every purpose, so fine. */
  | 'no-eku'
  /** RSA 1024 (NU3014). */
  | 'rsa-1024'
  /** ECDSA P-256, the SignerInfo signed with ECDSA (NU3014). */
  | 'ecdsa'
  /** The intermediate signed the certificate with sha1WithRSAEncryption (NU3013). */
  | 'sha1-signed'
  /** Code signing plus the lifetime-signing EKU (NU3015). */
  | 'lifetime-eku'
  /** Issued under a root nobody trusts (NU3018, NU3042). */
  | 'untrusted-root'
  /** Self-signed, as New-SelfSignedCertificate -Type CodeSigning makes it (nuget.org rejects it). */
  | 'self-issued';

/** Ways the timestamp authority can be wrong (spec §5.4). */
export type TimestampAuthorityDefect =
  /** The TSA chains to an untrusted root (NU3028, NU3042). */
  | 'untrusted-root'
  /**
   * The TSA certificate expired 2023-01-01: before genTime (NU3036) by default, or after a
   * timestampTime inside its validity (valid for the client, expired for nuget.org).
   */
  | 'expired'
  /** A self-signed TSA certificate (time stamping EKU), nobody's root. */
  | 'self-issued'
  /** A TSA certificate with a 1024-bit RSA key (NU3023). */
  | 'rsa-1024'
  /** A TSA certificate whose EKU is code signing instead of time stamping. */
  | 'no-timestamping-eku';

export interface SignedPackageOptions {
  /** Where the package is written, as `<id>.nupkg`. */
  readonly directory: string;
  /** Package id (and file name); unique per directory. */
  readonly id: string;
  /** Default: the shared PKI of this test module (`signingPki()`). */
  readonly pki?: SigningPki;
  /** Author (default) or repository primary signature (with a service index URL). */
  readonly kind?: 'author' | 'repository';
  readonly hashAlgorithm?: HashAlgorithmName;
  readonly signingCertificate?: SigningCertificateDefect;
  // Signed attributes (spec §4.2, §4.3).
  readonly omitSigningCertificateV2?: boolean;
  readonly addSigningCertificateV1?: boolean;
  /** signing-certificate-v2 whose certHash is not the hash of the signing certificate. */
  readonly mismatchedEssCertHash?: boolean;
  readonly omitSigningTime?: boolean;
  // Timestamps (spec §5).
  /** How many timestamps the primary signature carries; default 1. */
  readonly timestamps?: 0 | 1 | 2;
  /** genTime of the timestamps; default now. */
  readonly timestampTime?: Date;
  /** The token timestamps other bytes than the signature value (NU3019). */
  readonly timestampImprintMismatch?: boolean;
  readonly timestampAuthority?: TimestampAuthorityDefect;
  /** The TSTInfo nonce is an INTEGER without content octets, invalid DER (NU3003 in NuGet). */
  readonly emptyTimestampNonce?: boolean;
  /** Add a timestamped repository countersignature (an author primary only). */
  readonly repositoryCountersignature?: boolean | CountersignatureOptions;
  /** Change a byte of a packaged file after signing (NU3008). */
  readonly tamperContentAfterSigning?: boolean;
  /**
   * Embed the root of the signing chain too, so that a verifier which does not trust it sees an
   * untrusted root (NU3018) instead of a partial chain (NU3012), for the primary signature and
   * the repository countersignature alike (they share the certificate set).
   */
  readonly embedRoot?: boolean;
}

/** The repository countersignature: signed by the good leaf, timestamped by the good TSA. */
export interface CountersignatureOptions {
  /** Leave out signing-time (NU3031). */
  readonly omitSigningTime?: boolean;
  /** genTime of its timestamp; default that of the primary's. */
  readonly timestampTime?: Date;
}

/** The generated PKI and the trust stores that trust its good roots. */
export interface SigningPki {
  readonly root: TestCa;
  readonly intermediate: TestCa;
  readonly leaf: TestCertificate;
  /** The repository countersigner, under the same intermediate. */
  readonly repositoryLeaf: TestCertificate;
  readonly tsaRoot: TestCa;
  readonly tsa: TestCertificate;
  /** A root in no trust store, with a code-signing leaf and a TSA under it. */
  readonly untrustedRoot: TestCa;
  readonly trust: TrustStores;
  /** Defect leaves and TSAs, issued on first use. */
  signingCertificate(defect?: SigningCertificateDefect): Promise<SigningCertificate>;
  timestampCertificate(defect?: TimestampAuthorityDefect): Promise<TestCertificate>;
}

export interface SigningCertificate {
  readonly leaf: TestCertificate;
  /** The certificates embedded with it (the issuing intermediate). */
  readonly chain: readonly Uint8Array[];
}

const DEFECT_LEAF: Record<SigningCertificateDefect, CertificateOptions> = {
  expired: { notAfter: new Date('2023-01-01T00:00:00Z') },
  'not-yet-valid': { notBefore: new Date('2040-01-01T00:00:00Z') },
  'no-code-signing-eku': { extendedKeyUsages: [SERVER_AUTH] },
  'no-eku': { extendedKeyUsages: null },
  'rsa-1024': { rsaBits: 1024 },
  ecdsa: { keyAlgorithm: 'ECDSA' },
  'sha1-signed': { signatureHash: 'SHA-1' },
  'lifetime-eku': { lifetimeSigning: true },
  'untrusted-root': {},
  'self-issued': {},
};

/** A self-signed certificate for `usage`, like New-SelfSignedCertificate makes for tests. */
function selfIssued(subject: string, usage: string, keyPair: TestKeyPair): Promise<TestCa> {
  return createRootCa({
    subject,
    isCa: false,
    extendedKeyUsages: [usage],
    ekuCritical: usage === OID.timeStamping,
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    keyPair,
  });
}

let shared: Promise<SigningPki> | undefined;

/** The PKI shared by every package of this test module (keys are slow; generate them once). */
export function signingPki(): Promise<SigningPki> {
  shared ??= createSigningPki();
  return shared;
}

export async function createSigningPki(): Promise<SigningPki> {
  const root = await createRootCa({ subject: 'CN=nupkg-signing Test Root, O=nupkg-signing tests' });
  const intermediate = await root.issueIntermediate();
  const leaf = await intermediate.issueLeaf();
  const tsaRoot = await createRootCa({ subject: 'CN=nupkg-signing Test TSA Root' });
  const tsa = await tsaRoot.issueTsa();
  const untrustedRoot = await createRootCa({ subject: 'CN=nupkg-signing Untrusted Root' });
  // Own keys: a signer identified by subject key identifier must not share it with another
  // certificate in the same signature (NuGet and we would pick the first match).
  const repositoryLeaf = await intermediate.issueLeaf({
    subject: 'CN=nupkg-signing Test Repository, O=nupkg-signing tests',
    keyPair: await generateTestKeyPair('RSA', 2048),
  });
  const untrustedKey = generateTestKeyPair('RSA', 2048);

  const leaves = new Map<string, Promise<SigningCertificate>>();
  const tsas = new Map<string, Promise<TestCertificate>>();
  const issueLeaf = async (defect: SigningCertificateDefect): Promise<SigningCertificate> => {
    const options = DEFECT_LEAF[defect];
    // Share the good leaf's key unless the defect is the key itself.
    const keyPair = options.rsaBits || options.keyAlgorithm ? {} : { keyPair: leaf.keyPair };
    if (defect === 'self-issued') {
      const self = await selfIssued(
        'CN=NuGet Test Developer, OU=Use for testing purposes ONLY',
        OID.codeSigning,
        await untrustedKey,
      );
      return { leaf: self, chain: [] };
    }
    if (defect === 'untrusted-root') {
      return {
        leaf: await untrustedRoot.issueLeaf({ keyPair: await untrustedKey }),
        // The root is embedded, as real signatures do: the chain ends in UntrustedRoot, not PartialChain.
        chain: [untrustedRoot.certificate],
      };
    }
    return {
      leaf: await intermediate.issueLeaf({ ...keyPair, ...options }),
      chain: [intermediate.certificate],
    };
  };
  const issueTsa = async (defect: TimestampAuthorityDefect): Promise<TestCertificate> => {
    switch (defect) {
      case 'untrusted-root':
        return untrustedRoot.issueTsa({ keyPair: tsa.keyPair });
      case 'expired':
        return tsaRoot.issueTsa({
          keyPair: tsa.keyPair,
          notAfter: new Date('2023-01-01T00:00:00Z'),
        });
      case 'self-issued':
        return selfIssued('CN=nupkg-signing Self-issued TSA', OID.timeStamping, tsa.keyPair);
      case 'rsa-1024':
        return tsaRoot.issueTsa({ rsaBits: 1024 });
      case 'no-timestamping-eku':
        return tsaRoot.issueTsa({ keyPair: tsa.keyPair, extendedKeyUsages: [OID.codeSigning] });
    }
  };

  return {
    root,
    intermediate,
    leaf,
    repositoryLeaf,
    tsaRoot,
    tsa,
    untrustedRoot,
    trust: {
      codeSigning: TrustStore.fromCertificates([root.certificate]),
      timestamping: TrustStore.fromCertificates([tsaRoot.certificate]),
    },
    signingCertificate: (defect) => {
      if (!defect) return Promise.resolve({ leaf, chain: [intermediate.certificate] });
      let issued = leaves.get(defect);
      if (!issued) leaves.set(defect, (issued = issueLeaf(defect)));
      return issued;
    },
    timestampCertificate: (defect) => {
      if (!defect) return Promise.resolve(tsa);
      let issued = tsas.get(defect);
      if (!issued) tsas.set(defect, (issued = issueTsa(defect)));
      return issued;
    },
  };
}

/** Builds, signs and writes the package; returns its path. */
export async function makeSignedPackage(options: SignedPackageOptions): Promise<string> {
  const pki = options.pki ?? (await signingPki());
  const hashAlgorithm = options.hashAlgorithm ?? 'sha256';
  const now = new Date();
  const unsigned = buildZip({
    entries: [
      nuspecEntry(options.id, '1.0.0'),
      // Stored, so a tampered byte leaves the archive readable.
      { name: 'content/readme.txt', data: Buffer.from(`${options.id} readme\n`), method: 0 },
    ],
  });
  // An unsigned package's hash is the hash of the whole file (spec §3.3).
  const content = buildSignatureContent(
    hashAlgorithm,
    createHash(hashAlgorithm).update(unsigned).digest(),
  );

  const issued = await pki.signingCertificate(options.signingCertificate);
  const { leaf } = issued;
  const chain = options.embedRoot ? [...issued.chain, pki.root.certificate] : issued.chain;
  const signed =
    leaf.keyPair.algorithm === 'RSA'
      ? await buildPrimarySignature({
          content,
          signer: new LocalKeySigner(leaf.keyObject, leaf.certificate, chain),
          hashAlgorithm,
          signingTime: now,
          kind: options.kind ?? 'author',
          ...(options.kind === 'repository' ? { serviceIndexUrl: SERVICE_INDEX_URL } : {}),
          overrides: attributeOverrides(options, leaf, hashAlgorithm),
        })
      : buildEcdsaAuthorSignature(content, leaf, chain, hashAlgorithm, now);

  let der = signed.der;
  const timestamper = await timestamperFor(pki, options, options.timestampTime ?? now);
  for (let i = 0; i < (options.timestamps ?? 1); i++) {
    der = await timestamper(der, 'primary');
  }
  if (options.repositoryCountersignature) {
    const counter =
      options.repositoryCountersignature === true ? {} : options.repositoryCountersignature;
    der = (
      await addRepositoryCountersignature(der, {
        signer: new LocalKeySigner(pki.repositoryLeaf.keyObject, pki.repositoryLeaf.certificate, [
          pki.intermediate.certificate,
        ]),
        hashAlgorithm,
        signingTime: now,
        serviceIndexUrl: SERVICE_INDEX_URL,
        ...(counter.omitSigningTime ? { omitAttributes: [OID.signingTime] } : {}),
      })
    ).der;
    const counterTimestamper = await timestamperFor(
      pki,
      {},
      counter.timestampTime ?? options.timestampTime ?? now,
    );
    der = await counterTimestamper(der, 'repository-countersignature');
  }

  const signedPackage = appendSignatureEntry(unsigned, Buffer.from(der));
  if (options.tamperContentAfterSigning) {
    const at = signedPackage.indexOf(`${options.id} readme`);
    signedPackage[at] = signedPackage[at]! ^ 0x20; // flips the case of the first letter
  }
  const path = join(options.directory, `${options.id}.nupkg`);
  writeFileSync(path, signedPackage);
  return path;
}

function attributeOverrides(
  options: SignedPackageOptions,
  leaf: TestCertificate,
  hashAlgorithm: HashAlgorithmName,
): SignatureOverrides {
  const certificate = readSignerCertificate(leaf.certificate);
  const omit: string[] = [];
  const extra = [];
  if (options.omitSigningCertificateV2 || options.mismatchedEssCertHash)
    omit.push(OID.signingCertificateV2);
  if (options.omitSigningTime) omit.push(OID.signingTime);
  if (options.addSigningCertificateV1) extra.push(signingCertificateV1Attribute(certificate));
  if (options.mismatchedEssCertHash) {
    const wrongHash = digest(hashAlgorithm, Buffer.from('not the signing certificate'));
    extra.push(signingCertificateV2Attribute(certificate, hashAlgorithm, { certHash: wrongHash }));
  }
  return { omitAttributes: omit, extraAttributes: extra };
}

/**
 * The product's builders sign with RSA only (NuGet's signer does), so an ECDSA author signature
 * is assembled here: the same signed attributes, signatureAlgorithm ecdsa-with-SHAxxx.
 */
function buildEcdsaAuthorSignature(
  content: Uint8Array,
  leaf: TestCertificate,
  chain: readonly Uint8Array[],
  hashAlgorithm: HashAlgorithmName,
  signingTime: Date,
): { der: Uint8Array } {
  const certificate = readSignerCertificate(leaf.certificate);
  const attributes = sortSignedAttributes([
    contentTypeAttribute(),
    messageDigestAttribute(digest(hashAlgorithm, content)),
    signingTimeAttribute(signingTime),
    commitmentTypeIndicationAttribute(OID.proofOfOrigin),
    signingCertificateV2Attribute(certificate, hashAlgorithm),
  ]);
  const ecdsaWith = {
    sha256: '1.2.840.10045.4.3.2',
    sha384: '1.2.840.10045.4.3.3',
    sha512: '1.2.840.10045.4.3.4',
  };
  const signerInfo = encodeSignerInfo({
    version: smallInteger(1),
    sid: sequence(certificate.issuer, encodeTlv(0x02, certificate.serialNumber)),
    digestAlgorithm: algorithmIdentifier(HASH_ALGORITHMS[hashAlgorithm].oid),
    signedAttrs: encodeTlv(contextTag(0, true), concat(attributes.encoded)),
    signatureAlgorithm: algorithmIdentifier(ecdsaWith[hashAlgorithm]),
    signature: octetString(sign(hashAlgorithm, attributes.der, leaf.keyObject)),
    unsignedAttrs: undefined,
  });
  const der = encodeSignedData({
    version: smallInteger(1),
    digestAlgorithms: setOf([algorithmIdentifier(HASH_ALGORITHMS[hashAlgorithm].oid)]),
    encapContentInfo: sequence(
      objectIdentifier(OID.data),
      encodeTlv(contextTag(0, true), octetString(content)),
    ),
    certificates: [leaf.certificate, ...chain],
    crls: undefined,
    signerInfos: [signerInfo],
  });
  return { der };
}

type Timestamper = (der: Uint8Array, target: SignerInfoTarget) => Promise<Uint8Array>;

/** Requests a token for the target SignerInfo from the (possibly defective) test TSA. */
async function timestamperFor(
  pki: SigningPki,
  options: Pick<
    SignedPackageOptions,
    'timestampAuthority' | 'timestampImprintMismatch' | 'emptyTimestampNonce'
  >,
  genTime: Date,
): Promise<Timestamper> {
  const tsa = await pki.timestampCertificate(options.timestampAuthority);
  const issuerRoot =
    options.timestampAuthority === 'untrusted-root' ? pki.untrustedRoot : pki.tsaRoot;
  const authorityOptions: TimestampAuthorityOptions = {
    certificate: tsa.certificate,
    privateKey: tsa.keyObject,
    chain: options.timestampAuthority === 'self-issued' ? [] : [issuerRoot.certificate],
    clock: () => genTime,
    ...(options.timestampImprintMismatch ? { wrongImprint: true } : {}),
    ...(options.emptyTimestampNonce ? { emptyNonce: true } : {}),
  };
  const authority = createTimestampAuthority(authorityOptions);
  return async (der, target) => {
    const hashedMessage = timestampImprintOf(der, target, 'sha256');
    const imprint = { hashAlgorithmOid: OID.sha256, hashedMessage };
    // A fresh nonce with the top bit clear; the emptyTimestampNonce defect writes `02 00` instead.
    const nonce = Uint8Array.of(0x01, ...randomBytes(7));
    const token = await authority.issueToken(
      imprint,
      options.emptyTimestampNonce ? undefined : nonce,
    );
    return addTimestampToken(der, target, token);
  };
}

/** A named package for the defect catalogue; `id` doubles as the package id and file name. */
export interface DefectCase {
  readonly id: string;
  /** The situation, for test names ("when …"). */
  readonly situation: string;
  readonly options: Omit<SignedPackageOptions, 'directory' | 'id' | 'pki'>;
}

/** Timestamps inside the expired leaf's validity (2020–2023) and after it. */
export const BEFORE_EXPIRY = new Date('2022-06-01T00:00:00Z');

/**
 * One package per defect. The unit tests state NuGet's verdict for each; the dotnet matrix checks
 * every one of them against `dotnet nuget verify --all`.
 */
export const DEFECT_CASES: readonly DefectCase[] = [
  { id: 'Good', situation: 'the author signature is good', options: {} },
  {
    id: 'Expired',
    situation: 'the signing certificate expired before the timestamp',
    options: { signingCertificate: 'expired' },
  },
  {
    id: 'Expired.TimestampedInTime',
    situation: 'the signing certificate expired after a timestamp inside its validity',
    options: { signingCertificate: 'expired', timestampTime: BEFORE_EXPIRY },
  },
  {
    id: 'Expired.NoTimestamp',
    situation: 'the signing certificate expired and there is no timestamp',
    options: { signingCertificate: 'expired', timestamps: 0 },
  },
  {
    id: 'NotYetValid',
    situation: 'the signing certificate is not yet valid',
    options: { signingCertificate: 'not-yet-valid' },
  },
  {
    id: 'NoCodeSigningEku',
    situation: 'the signing certificate has an EKU without code signing',
    options: { signingCertificate: 'no-code-signing-eku' },
  },
  {
    id: 'NoEku',
    situation: 'the signing certificate has no EKU extension',
    options: { signingCertificate: 'no-eku' },
  },
  {
    id: 'Rsa1024',
    situation: 'the signing certificate has a 1024-bit RSA key',
    options: { signingCertificate: 'rsa-1024' },
  },
  {
    id: 'Ecdsa',
    situation: 'the signing certificate has an ECDSA key',
    options: { signingCertificate: 'ecdsa' },
  },
  {
    id: 'Sha1Signed',
    situation: 'the signing certificate is signed with SHA-1',
    options: { signingCertificate: 'sha1-signed' },
  },
  {
    id: 'LifetimeEku',
    situation: 'the signing certificate has the lifetime-signing EKU',
    options: { signingCertificate: 'lifetime-eku' },
  },
  {
    id: 'UntrustedRoot',
    situation: 'the signing certificate chains to an untrusted root',
    options: { signingCertificate: 'untrusted-root' },
  },
  {
    id: 'NoSigningCertificateV2',
    situation: 'signing-certificate-v2 is missing',
    options: { omitSigningCertificateV2: true },
  },
  {
    id: 'SigningCertificateV1',
    situation: 'a signing-certificate (v1) attribute is added',
    options: { addSigningCertificateV1: true },
  },
  {
    id: 'EssHashMismatch',
    situation: 'the signing-certificate-v2 hash does not match the certificate',
    options: { mismatchedEssCertHash: true },
  },
  {
    id: 'NoSigningTime',
    situation: 'signing-time is missing',
    options: { omitSigningTime: true },
  },
  {
    id: 'ImprintMismatch',
    situation: 'the timestamp imprint is not the hash of the signature',
    options: { timestampImprintMismatch: true },
  },
  {
    id: 'GenTimeOutsideTsaValidity',
    situation: 'genTime is after the TSA certificate expired',
    options: { timestampAuthority: 'expired' },
  },
  {
    id: 'TsaUntrusted',
    situation: 'the TSA chains to an untrusted root',
    options: { timestampAuthority: 'untrusted-root' },
  },
  {
    id: 'EmptyTimestampNonce',
    situation: 'the TSTInfo nonce is an INTEGER without content',
    options: { emptyTimestampNonce: true },
  },
  { id: 'TwoTimestamps', situation: 'there are two timestamps', options: { timestamps: 2 } },
  { id: 'NoTimestamp', situation: 'there is no timestamp', options: { timestamps: 0 } },
  {
    id: 'RepositoryPrimary',
    situation: 'the primary signature is a repository signature',
    options: { kind: 'repository' },
  },
  {
    id: 'Countersigned',
    situation: 'an author signature has a repository countersignature',
    options: { repositoryCountersignature: true },
  },
  {
    id: 'Countersigned.NoSigningTime',
    situation: 'the repository countersignature has no signing-time',
    options: { repositoryCountersignature: { omitSigningTime: true } },
  },
  {
    id: 'Countersigned.UntrustedAuthor',
    situation: 'an untrusted author signature has a good repository countersignature',
    options: { signingCertificate: 'untrusted-root', repositoryCountersignature: true },
  },
  {
    id: 'Countersigned.ExpiredAuthor',
    situation:
      'an author certificate expired before its timestamp, countersigned while it was valid',
    options: {
      signingCertificate: 'expired',
      repositoryCountersignature: { timestampTime: BEFORE_EXPIRY },
    },
  },
  {
    id: 'Tampered',
    situation: 'the content was changed after signing',
    options: { tamperContentAfterSigning: true },
  },
];
