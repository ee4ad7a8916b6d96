import {
  X509Certificate,
  constants,
  createPublicKey,
  privateEncrypt,
  sign as rsaSign,
  type KeyObject,
} from 'node:crypto';
import { inspect } from 'node:util';
import { NupkgSigningError } from '../errors.js';
import type { HashAlgorithmName } from '../hash-algorithms.js';
import { digestInfo, type DigestSigner, type Signer } from './signer.js';

/**
 * A signer whose RSA private key is an in-process `KeyObject` (loaded from a PFX or PEM file).
 *
 * The key sits in an ECMAScript private field and the object describes itself without it in
 * `toString()`, `JSON.stringify` and `util.inspect`, so logging a signer (or an options bag that
 * holds one) never prints key material.
 */
export class LocalKeySigner implements Signer, DigestSigner {
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly #key: KeyObject;
  readonly #subject: string;

  constructor(privateKey: KeyObject, certificate: Uint8Array, chain: readonly Uint8Array[] = []) {
    if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
      throw new NupkgSigningError(
        'NU3014',
        `The signing key must be an RSA private key (got ${privateKey.type} ${privateKey.asymmetricKeyType ?? 'key'}); NuGet accepts only RSA signatures.`,
      );
    }
    let parsed: X509Certificate;
    try {
      parsed = new X509Certificate(certificate);
    } catch (error) {
      throw new NupkgSigningError(
        'NUPKG003',
        'The signing certificate is not a valid X.509 certificate.',
        {
          cause: error,
        },
      );
    }
    const fromKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const fromCertificate = parsed.publicKey.export({ type: 'spki', format: 'der' });
    if (!fromKey.equals(fromCertificate)) {
      throw new NupkgSigningError(
        'NUPKG003',
        `The private key does not belong to the signing certificate '${parsed.subject}'.`,
      );
    }
    this.#key = privateKey;
    this.#subject = parsed.subject.replace(/\n/g, ', ');
    this.certificate = Uint8Array.from(certificate);
    this.chain = chain.map((der) => Uint8Array.from(der));
  }

  sign(dataToSign: Uint8Array, hashAlgorithm: HashAlgorithmName): Promise<Uint8Array> {
    const signature = rsaSign(hashAlgorithm, dataToSign, {
      key: this.#key,
      padding: constants.RSA_PKCS1_PADDING,
    });
    return Promise.resolve(new Uint8Array(signature));
  }

  /** RSASSA-PKCS1-v1_5 over a precomputed digest: the private-key operation on its DigestInfo. */
  signDigest(digest: Uint8Array, hashAlgorithm: HashAlgorithmName): Promise<Uint8Array> {
    const block = digestInfo(hashAlgorithm, digest);
    const signature = privateEncrypt(
      { key: this.#key, padding: constants.RSA_PKCS1_PADDING },
      block,
    );
    return Promise.resolve(new Uint8Array(signature));
  }

  toString(): string {
    return `LocalKeySigner(${this.#subject}, private key redacted)`;
  }

  toJSON(): { type: string; subject: string; privateKey: string } {
    return { type: 'LocalKeySigner', subject: this.#subject, privateKey: '[redacted]' };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
