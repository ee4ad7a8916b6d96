import { createPublicKey } from 'node:crypto';
import { inspect } from 'node:util';
import { NupkgSigningError } from '../../errors.js';
import { HASH_ALGORITHMS, type HashAlgorithmName } from '../../hash-algorithms.js';
import { serviceEndpoint } from '../cloud/endpoint.js';
import { certificateChainFor, checkPublicKeyMatches } from '../cloud/key-certificate.js';
import { signerFromDigestSigner, type DigestSigner, type Signer } from '../signer.js';
import { crc32c } from './crc32c.js';
import { googleAccessToken, type GoogleKmsTarget } from './google-credentials.js';
import { callCloudKms } from './google-kms-api.js';

export type { GoogleKmsTarget } from './google-credentials.js';

export interface GoogleKmsSignerOptions extends GoogleKmsTarget {
  /** The signing certificate first, then intermediates: Cloud KMS holds no certificates. */
  readonly certificateChainPem?: string;
  /** Where GitHub's OIDC variables and GOOGLE_APPLICATION_CREDENTIALS come from; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

const KEY_VERSION_NAME =
  /^projects\/[a-z0-9-]{1,64}\/locations\/[a-z0-9-]{1,64}\/keyRings\/[\w-]{1,63}\/cryptoKeys\/[\w-]{1,63}\/cryptoKeyVersions\/\d{1,10}$/;
/** RSASSA-PKCS1-v1_5 key versions: RSA_SIGN_PKCS1_<bits>_<hash> (CryptoKeyVersionAlgorithm). */
const PKCS1_ALGORITHM = /^RSA_SIGN_PKCS1_(\d+)_(SHA256|SHA384|SHA512)$/;

/**
 * Signs with an RSA key version in Google Cloud KMS (docs/google-cloud-kms.md): `asymmetricSign`
 * on the digest, with the CRC32C integrity fields checked as Google's data-integrity guidelines
 * say: the request carries digestCrc32c, and the answer must report verifiedDigestCrc32c, name
 * the key version asked and carry a signatureCrc32c that matches the signature.
 */
class GoogleKmsSigner implements DigestSigner {
  readonly #name: string;
  readonly #endpoint: string;
  readonly #accessToken: string;
  readonly #hash: HashAlgorithmName;

  constructor(
    name: string,
    endpoint: string,
    accessToken: string,
    hash: HashAlgorithmName,
    readonly certificate: Uint8Array,
    readonly chain: readonly Uint8Array[],
  ) {
    this.#name = name;
    this.#endpoint = endpoint;
    this.#accessToken = accessToken;
    this.#hash = hash;
  }

  async signDigest(digest: Uint8Array, hashAlgorithm: HashAlgorithmName): Promise<Uint8Array> {
    if (hashAlgorithm !== this.#hash) {
      const label = HASH_ALGORITHMS[this.#hash].label;
      throw new NupkgSigningError(
        'NUPKG003',
        `Cloud KMS key version ${this.#name} signs ${label} digests only (its algorithm fixes the hash): sign with --hash-algorithm ${label} (the action's hash-algorithm input), or use a key version made for ${HASH_ALGORITHMS[hashAlgorithm].label}.`,
      );
    }
    const doing = `signing with key version ${this.#name}`;
    const answer = await callCloudKms(
      `${this.#endpoint}/v1/${this.#name}:asymmetricSign`,
      this.#accessToken,
      doing,
      {
        digest: { [hashAlgorithm]: Buffer.from(digest).toString('base64') },
        digestCrc32c: String(crc32c(digest)),
      },
    );
    const corrupted = (why: string) =>
      new NupkgSigningError(
        'NU3001',
        `Cloud KMS's answer failed its integrity check while ${doing}: ${why}. The request or answer was changed in transit; retry, and if it persists contact Google Cloud support.`,
      );
    if (answer.verifiedDigestCrc32c !== true) {
      throw corrupted('the service did not confirm the digest checksum (verifiedDigestCrc32c)');
    }
    if (answer.name !== this.#name) throw corrupted('it names another key version');
    const signature = base64Field(answer.signature);
    if (signature === undefined) throw corrupted('it has no signature');
    if (String(answer.signatureCrc32c) !== String(crc32c(signature))) {
      throw corrupted('the signature does not match its signatureCrc32c');
    }
    return signature;
  }

  toString(): string {
    return `GoogleKmsSigner(${this.#name}, access token redacted)`;
  }

  toJSON(): { type: string; key: string } {
    return { type: 'GoogleKmsSigner', key: this.#name };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Authenticates, reads the key version's public key (checked by its CRC32C) and checks that it
 * is an RSA PKCS#1 signing key whose public key is the certificate's, before any package is touched.
 */
export async function createGoogleKmsSigner(options: GoogleKmsSignerOptions): Promise<Signer> {
  const { certificateChainPem, env = process.env, ...target } = options;
  const { certificate, chain } = certificateChainFor(certificateChainPem, 'Google Cloud KMS');
  const name = target.keyVersion.trim();
  if (!KEY_VERSION_NAME.test(name)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `'${name.slice(0, 300)}' is not a Cloud KMS key version name: give projects/PROJECT/locations/LOCATION/keyRings/RING/cryptoKeys/KEY/cryptoKeyVersions/N.`,
    );
  }
  const endpoint = serviceEndpoint(
    target.endpoint ?? 'https://cloudkms.googleapis.com',
    'The Cloud KMS endpoint',
  );
  const accessToken = await googleAccessToken(target, env);
  const doing = `reading the public key of key version ${name}`;
  const key = await callCloudKms(`${endpoint}/v1/${name}/publicKey`, accessToken, doing);
  const algorithm = typeof key.algorithm === 'string' ? key.algorithm.slice(0, 60) : 'unknown';
  const pkcs1 = PKCS1_ALGORITHM.exec(algorithm);
  if (pkcs1 === null) {
    throw new NupkgSigningError(
      'NU3014',
      `Cloud KMS key version ${name} has algorithm ${algorithm}: NuGet accepts only RSA PKCS#1 v1.5 signatures, so create an ASYMMETRIC_SIGN key with algorithm RSA_SIGN_PKCS1_3072_SHA256 (or another RSA_SIGN_PKCS1_*).`,
    );
  }
  if (
    typeof key.pem !== 'string' ||
    String(key.pemCrc32c) !== String(crc32c(Buffer.from(key.pem)))
  ) {
    throw new NupkgSigningError(
      'NU3001',
      `Cloud KMS's public key for ${name} failed its integrity check (pemCrc32c): retry.`,
    );
  }
  const spki = createPublicKey(key.pem).export({ type: 'spki', format: 'der' });
  checkPublicKeyMatches(spki, certificate, name, 'Google Cloud KMS');
  const hash = (pkcs1[2] ?? 'SHA256').toLowerCase() as HashAlgorithmName;
  return signerFromDigestSigner(
    new GoogleKmsSigner(name, endpoint, accessToken, hash, certificate, chain),
  );
}

function base64Field(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  return new Uint8Array(Buffer.from(value, 'base64'));
}
