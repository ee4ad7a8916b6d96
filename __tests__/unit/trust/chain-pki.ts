/**
 * A small certificate factory for the chain-building tests: each option is one property the chain
 * engine looks at (CA flag, path length, EKU, validity, key identifiers). ECDSA P-256 keys by
 * default because they are fast to generate; `rsa: true` gives an RSA-2048 key.
 */
import '../../helpers/reflect-metadata.js';
import { randomBytes, webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

// Loaded dynamically: jest links CommonJS dependencies of static imports before any module body
// runs, which would be before the Reflect shim is installed.
const x509: typeof X509 = await import('@peculiar/x509');

type Crypto = Parameters<typeof x509.cryptoProvider.set>[0];
type KeyPair = { publicKey: webcrypto.CryptoKey; privateKey: webcrypto.CryptoKey };
type Algorithm = Parameters<typeof x509.X509CertificateGenerator.create>[0]['signingAlgorithm'];

// Test-only: @peculiar/x509 needs a WebCrypto; the product never imports it.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
export const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
export const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

const EC: Algorithm = { name: 'ECDSA', hash: 'SHA-256' } as Algorithm;
const RSA: Algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm;

export interface IssueOptions {
  subject?: string;
  /** Issue as a CA (basicConstraints cA=TRUE, keyUsage keyCertSign). */
  ca?: boolean;
  pathLength?: number;
  /** EKU OIDs; omitted or undefined = no EKU extension. */
  eku?: string[];
  notBefore?: Date;
  notAfter?: Date;
  rsa?: boolean;
  /** Reuse a key pair (to make a cross-signed copy of an existing CA). */
  keys?: KeyPair;
  /** Omit basicConstraints and keyUsage altogether (a v3 end-entity-looking "CA"). */
  bare?: boolean;
  /** With `bare`: add keyUsage keyCertSign but still no basicConstraints. */
  keyCertSignOnly?: boolean;
  /** With `ca`: a keyUsage of digitalSignature only, lacking keyCertSign. */
  caKeyUsage?: 'digitalSignature';
}

export interface TestCert {
  readonly der: Uint8Array;
  readonly keys: KeyPair;
  readonly subject: string;
  readonly algorithm: Algorithm;
  issue(options?: IssueOptions): Promise<TestCert>;
}

export const DEFAULT_NOT_BEFORE = new Date('2020-01-01T00:00:00Z');
export const DEFAULT_NOT_AFTER = new Date('2045-01-01T00:00:00Z');
let counter = 0;

async function generateKeys(rsa: boolean): Promise<KeyPair> {
  const algorithm = rsa
    ? {
        name: 'RSASSA-PKCS1-v1_5',
        hash: 'SHA-256',
        publicExponent: new Uint8Array([1, 0, 1]),
        modulusLength: 2048,
      }
    : { name: 'ECDSA', namedCurve: 'P-256' };
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as KeyPair;
}

async function create(
  options: IssueOptions,
  issuer: { subject: string; keys: KeyPair; algorithm: Algorithm } | undefined,
): Promise<TestCert> {
  const rsa = options.rsa ?? false;
  const keys = options.keys ?? (await generateKeys(rsa));
  const algorithm = rsa ? RSA : EC;
  const subject = options.subject ?? `CN=Test ${options.ca ? 'CA' : 'Leaf'} ${++counter}`;
  const signer = issuer ?? { subject, keys, algorithm };
  const extensions: X509.Extension[] = [
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(signer.keys.publicKey));
  if (options.bare && options.keyCertSignOnly) {
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true));
  }
  if (!options.bare) {
    if (options.ca) {
      extensions.push(new x509.BasicConstraintsExtension(true, options.pathLength, true));
      const usage =
        options.caKeyUsage === 'digitalSignature'
          ? x509.KeyUsageFlags.digitalSignature
          : x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;
      extensions.push(new x509.KeyUsagesExtension(usage, true));
    } else {
      extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true));
    }
  }
  if (options.eku) extensions.push(new x509.ExtendedKeyUsageExtension(options.eku, false));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: `01${randomBytes(8).toString('hex')}`,
    subject,
    issuer: signer.subject,
    notBefore: options.notBefore ?? DEFAULT_NOT_BEFORE,
    notAfter: options.notAfter ?? DEFAULT_NOT_AFTER,
    signingAlgorithm: signer.algorithm,
    publicKey: keys.publicKey,
    signingKey: signer.keys.privateKey,
    extensions,
  });
  const self: TestCert = {
    der: new Uint8Array(certificate.rawData),
    keys,
    subject,
    algorithm,
    issue: (child = {}) => create(child, { subject, keys, algorithm }),
  };
  return self;
}

/** A self-signed root CA. */
export function createRoot(options: IssueOptions = {}): Promise<TestCert> {
  return create({ ...options, ca: options.ca ?? true }, undefined);
}

/** Flips one bit inside the signature value (the last byte of the DER). */
export function tamperSignature(der: Uint8Array): Uint8Array {
  const copy = new Uint8Array(der);
  copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0x01;
  return copy;
}
