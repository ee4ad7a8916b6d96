/**
 * Test PKI: roots, intermediates, code-signing leaves and TSA certificates generated on the fly,
 * with one option per defect NuGet checks for (nuget-signing-spec.md §4.5, §5.4).
 *
 *   const root = await createRootCa();
 *   const leaf = await root.issueLeaf({ rsaBits: 1024 });          // NU3014 case
 *   const tsa = await root.issueTsa({ ekuCritical: false });        // not RFC 3161 §2.3 compliant
 *
 * Key generation dominates the cost, so keys come from a small per-module pool (see takeKeyPair).
 */
import type { KeyObject } from 'node:crypto';
import { generateKeyPair, X509Certificate, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
import { promisify } from 'node:util';
import type * as X509 from '@peculiar/x509';
import './reflect-metadata.js';
import { sha256Fingerprint } from '../../src/fingerprint.js';
import { OID } from '../../src/asn1/oids.js';

/**
 * @peculiar/x509, loaded only after the Reflect polyfill ran (Jest links CommonJS imports before
 * any ESM body, so a static import would load tsyringe too early). Tests that need its classes
 * (e.g. for `extraExtensions`) use this export instead of importing the package.
 */
export const x509: typeof X509 = await import('@peculiar/x509');
// Test-only: @peculiar/x509 needs a WebCrypto; the product never imports it.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const generateKeyPairAsync = promisify(generateKeyPair);

export type KeyAlgorithm = 'RSA' | 'ECDSA';
export type SignatureHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface TestKeyPair {
  readonly algorithm: KeyAlgorithm;
  /** RSA modulus bits, or the EC curve size (256/384). */
  readonly size: number;
  readonly privateKeyObject: KeyObject;
  readonly publicKeyObject: KeyObject;
}

/** One option per certificate property a NuGet check looks at. Defaults describe a good certificate. */
export interface CertificateOptions {
  /** Distinguished name such as `CN=Contoso, O=Contoso`. Default: a unique test name. */
  subject?: string;
  /** Hex serial number; default random positive 16 bytes. */
  serialNumber?: string;
  /** Default 2020-01-01T00:00:00Z, a fixed date so tests with fixed clocks are stable. */
  notBefore?: Date;
  /** Default 2045-01-01T00:00:00Z. */
  notAfter?: Date;
  keyAlgorithm?: KeyAlgorithm;
  /** RSA modulus size; default 2048 (1024 produces the NU3014/NU3023 case). */
  rsaBits?: number;
  /** EC curve for ECDSA keys; default P-256. */
  ecCurve?: 'P-256' | 'P-384';
  /** Hash the issuer signs this certificate with; default SHA-256 (SHA-1 gives the NU3013/NU3022 case). */
  signatureHash?: SignatureHash;
  /** Adds critical basicConstraints cA=TRUE. Default true for CAs, false otherwise. */
  isCa?: boolean;
  pathLength?: number;
  /**
   * EKU OIDs; `null` omits the extension. Default: code signing for leaves, time stamping for
   * TSAs, none for CAs.
   */
  extendedKeyUsages?: readonly string[] | null;
  /** Default true for TSA certificates (RFC 3161 §2.3), false otherwise. */
  ekuCritical?: boolean;
  /** Adds the forbidden lifetime-signing EKU 1.3.6.1.4.1.311.10.3.13 (NU3015). */
  lifetimeSigning?: boolean;
  /** Default true. */
  includeSubjectKeyIdentifier?: boolean;
  /** Default true when the issuer has a subject key identifier. */
  includeAuthorityKeyIdentifier?: boolean;
  /** KeyUsageFlags bits; `null` omits the extension. Default: keyCertSign|cRLSign for CAs, digitalSignature otherwise. */
  keyUsage?: number | null;
  /** Appended verbatim, e.g. a second EKU extension. */
  extraExtensions?: X509.Extension[];
  /** Use this key instead of one from the pool (e.g. to share a key between two certificates). */
  keyPair?: TestKeyPair;
}

export interface TestCertificate {
  /** DER. */
  readonly certificate: Uint8Array;
  readonly pem: string;
  /** WebCrypto key for signing with SHA-256 (RSASSA-PKCS1-v1_5 or ECDSA). */
  readonly privateKey: CryptoKey;
  readonly keyObject: KeyObject;
  readonly publicKeyObject: KeyObject;
  readonly keyPair: TestKeyPair;
  readonly subject: string;
  /** Uppercase hex, as NuGet prints it. */
  readonly fingerprintSha256: string;
  readonly x509: X509Certificate;
}

export interface TestCa extends TestCertificate {
  issueIntermediate(options?: CertificateOptions): Promise<TestCa>;
  /** A code-signing certificate. */
  issueLeaf(options?: CertificateOptions): Promise<TestCertificate>;
  /** A time-stamping certificate (critical EKU id-kp-timeStamping). */
  issueTsa(options?: CertificateOptions): Promise<TestCertificate>;
}

type Role = 'root' | 'intermediate' | 'leaf' | 'tsa';

const DEFAULT_NOT_BEFORE = new Date('2020-01-01T00:00:00Z');
const DEFAULT_NOT_AFTER = new Date('2045-01-01T00:00:00Z');

// ---- key pool --------------------------------------------------------------------------------

/**
 * Distinct keys per (algorithm, size) up to POOL_SIZE, then reused round-robin. Certificates of
 * one chain therefore get different keys (and different key identifiers) in any realistic test,
 * while a test file generates at most a handful of RSA keys.
 */
const POOL_SIZE = 6;
const pools = new Map<string, { keys: Promise<TestKeyPair>[]; next: number }>();

export function takeKeyPair(algorithm: KeyAlgorithm, size: number): Promise<TestKeyPair> {
  const id = `${algorithm}-${size}`;
  let pool = pools.get(id);
  if (pool === undefined) {
    pool = { keys: [], next: 0 };
    pools.set(id, pool);
  }
  const index = pool.next++ % POOL_SIZE;
  let key = pool.keys[index];
  if (key === undefined) {
    key = generateTestKeyPair(algorithm, size);
    pool.keys[index] = key;
  }
  return key;
}

/** Always a fresh key (slow for RSA); prefer takeKeyPair. */
export async function generateTestKeyPair(
  algorithm: KeyAlgorithm,
  size: number,
): Promise<TestKeyPair> {
  const { privateKey, publicKey } =
    algorithm === 'RSA'
      ? await generateKeyPairAsync('rsa', { modulusLength: size })
      : await generateKeyPairAsync('ec', { namedCurve: size === 384 ? 'P-384' : 'P-256' });
  return { algorithm, size, privateKeyObject: privateKey, publicKeyObject: publicKey };
}

function importPrivateKey(keyPair: TestKeyPair, hash: SignatureHash): Promise<CryptoKey> {
  const pkcs8 = keyPair.privateKeyObject.export({ format: 'der', type: 'pkcs8' });
  // The WebCrypto RSA key fixes its hash at import, so import once per signature hash.
  const algorithm =
    keyPair.algorithm === 'RSA'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: hash }
      : { name: 'ECDSA', namedCurve: keyPair.size === 384 ? 'P-384' : 'P-256' };
  return webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, true, [
    'sign',
  ]) as Promise<CryptoKey>;
}

// ---- certificates ----------------------------------------------------------------------------

let nameCounter = 0;

interface Issuer {
  readonly subject: string;
  readonly keyPair: TestKeyPair;
  readonly subjectKeyIdentifier: string | undefined;
}

/** A self-signed root CA. */
export async function createRootCa(options: CertificateOptions = {}): Promise<TestCa> {
  return issueCa(undefined, 'root', options);
}

async function issueCa(
  issuer: Issuer | undefined,
  role: 'root' | 'intermediate',
  options: CertificateOptions,
): Promise<TestCa> {
  const issued = await issueCertificate(issuer, role, options);
  const self: Issuer = {
    subject: issued.subject,
    keyPair: issued.keyPair,
    subjectKeyIdentifier: subjectKeyIdentifierOf(issued.x509),
  };
  return {
    ...issued,
    issueIntermediate: (o = {}) => issueCa(self, 'intermediate', o),
    issueLeaf: (o = {}) => issueCertificate(self, 'leaf', o),
    issueTsa: (o = {}) => issueCertificate(self, 'tsa', o),
  };
}

async function issueCertificate(
  issuer: Issuer | undefined,
  role: Role,
  options: CertificateOptions,
): Promise<TestCertificate> {
  const keyAlgorithm = options.keyAlgorithm ?? options.keyPair?.algorithm ?? 'RSA';
  const keySize =
    keyAlgorithm === 'RSA' ? (options.rsaBits ?? 2048) : options.ecCurve === 'P-384' ? 384 : 256;
  const keyPair = options.keyPair ?? (await takeKeyPair(keyAlgorithm, keySize));
  const subject = options.subject ?? defaultSubject(role);
  const signer = issuer ?? { subject, keyPair, subjectKeyIdentifier: undefined };
  const signatureHash = options.signatureHash ?? 'SHA-256';

  const publicKey = new x509.PublicKey(
    keyPair.publicKeyObject.export({ format: 'der', type: 'spki' }),
  );
  const keyIdentifier = Buffer.from(await publicKey.getKeyIdentifier()).toString('hex');
  // A self-signed certificate's AKI names its own key.
  const authorityKeyIdentifier = issuer === undefined ? keyIdentifier : issuer.subjectKeyIdentifier;

  const extensions = buildExtensions(role, options, keyIdentifier, authorityKeyIdentifier);
  const generated = await x509.X509CertificateGenerator.create({
    serialNumber: options.serialNumber ?? randomSerial(),
    subject,
    issuer: signer.subject,
    notBefore: options.notBefore ?? DEFAULT_NOT_BEFORE,
    notAfter: options.notAfter ?? DEFAULT_NOT_AFTER,
    publicKey,
    signingKey: await importPrivateKey(signer.keyPair, signatureHash),
    signingAlgorithm:
      signer.keyPair.algorithm === 'RSA'
        ? { name: 'RSASSA-PKCS1-v1_5', hash: signatureHash }
        : ({ name: 'ECDSA', hash: signatureHash } as { name: string }),
    extensions,
  });

  const der = new Uint8Array(generated.rawData);
  return {
    certificate: der,
    pem: generated.toString('pem'),
    privateKey: await importPrivateKey(keyPair, 'SHA-256'),
    keyObject: keyPair.privateKeyObject,
    publicKeyObject: keyPair.publicKeyObject,
    keyPair,
    subject,
    fingerprintSha256: sha256Fingerprint(der),
    x509: new X509Certificate(der),
  };
}

function buildExtensions(
  role: Role,
  options: CertificateOptions,
  keyIdentifier: string,
  authorityKeyIdentifier: string | undefined,
): X509.Extension[] {
  const isCaRole = role === 'root' || role === 'intermediate';
  const extensions: X509.Extension[] = [];

  if (options.isCa ?? isCaRole) {
    extensions.push(new x509.BasicConstraintsExtension(true, options.pathLength, true));
  }

  const defaultKeyUsage = isCaRole
    ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
    : x509.KeyUsageFlags.digitalSignature;
  const keyUsage = options.keyUsage === undefined ? defaultKeyUsage : options.keyUsage;
  if (keyUsage !== null) extensions.push(new x509.KeyUsagesExtension(keyUsage, true));

  const defaultEku =
    role === 'leaf' ? [OID.codeSigning] : role === 'tsa' ? [OID.timeStamping] : null;
  let ekus = options.extendedKeyUsages === undefined ? defaultEku : options.extendedKeyUsages;
  if (options.lifetimeSigning) ekus = [...(ekus ?? [OID.codeSigning]), OID.lifetimeSigning];
  if (ekus !== null) {
    extensions.push(
      new x509.ExtendedKeyUsageExtension([...ekus], options.ekuCritical ?? role === 'tsa'),
    );
  }

  if (options.includeSubjectKeyIdentifier ?? true) {
    extensions.push(new x509.SubjectKeyIdentifierExtension(keyIdentifier));
  }
  if ((options.includeAuthorityKeyIdentifier ?? true) && authorityKeyIdentifier !== undefined) {
    extensions.push(new x509.AuthorityKeyIdentifierExtension(authorityKeyIdentifier));
  }
  extensions.push(...(options.extraExtensions ?? []));
  return extensions;
}

function subjectKeyIdentifierOf(certificate: X509Certificate): string | undefined {
  const ski = new x509.X509Certificate(certificate.raw).getExtension(
    x509.SubjectKeyIdentifierExtension,
  );
  return ski?.keyId;
}

function defaultSubject(role: Role): string {
  const label = {
    root: 'Test Root CA',
    intermediate: 'Test Intermediate CA',
    leaf: 'Test Code Signing',
    tsa: 'Test Timestamp Authority',
  }[role];
  return `CN=${label} ${++nameCounter}, O=nupkg-signing tests`;
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01; // positive and minimally encoded
  return Buffer.from(bytes).toString('hex');
}

// ---- convenience -----------------------------------------------------------------------------

export interface TestPki {
  /** Code-signing hierarchy: root → intermediate → leaf. */
  readonly root: TestCa;
  readonly intermediate: TestCa;
  readonly leaf: TestCertificate;
  /** Separate time-stamping hierarchy: tsaRoot → tsa, as public TSAs use. */
  readonly tsaRoot: TestCa;
  readonly tsa: TestCertificate;
}

/** A complete good PKI; pass per-certificate options to introduce one defect. */
export async function createTestPki(
  options: {
    root?: CertificateOptions;
    intermediate?: CertificateOptions;
    leaf?: CertificateOptions;
    tsaRoot?: CertificateOptions;
    tsa?: CertificateOptions;
  } = {},
): Promise<TestPki> {
  const root = await createRootCa(options.root);
  const intermediate = await root.issueIntermediate(options.intermediate);
  const leaf = await intermediate.issueLeaf(options.leaf);
  const tsaRoot = await createRootCa(options.tsaRoot);
  const tsa = await tsaRoot.issueTsa(options.tsa);
  return { root, intermediate, leaf, tsaRoot, tsa };
}
