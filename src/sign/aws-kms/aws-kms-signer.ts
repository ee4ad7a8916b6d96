import { inspect } from 'node:util';
import type { KMSClient } from '@aws-sdk/client-kms';
import { NupkgSigningError } from '../../errors.js';
import type { HashAlgorithmName } from '../../hash-algorithms.js';
import { checkPublicKeyMatches, certificateChainFor } from '../cloud/key-certificate.js';
import { serviceEndpoint } from '../cloud/endpoint.js';
import { signerFromDigestSigner, type DigestSigner, type Signer } from '../signer.js';
import { awsCredentials, awsRegion, type AwsKmsTarget } from './aws-credentials.js';
import { awsError } from './aws-errors.js';
import { AWS_REQUEST_HANDLER, boundedAnswers } from './aws-http.js';

export type { AwsKmsTarget } from './aws-credentials.js';

export interface AwsKmsSignerOptions extends AwsKmsTarget {
  /** The signing certificate first, then intermediates: KMS holds no certificates. */
  readonly certificateChainPem?: string;
  /** Where credentials and the region come from; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** KMS's names for RSASSA-PKCS1-v1_5 with each hash (KMS API reference, Sign). */
const SIGNING_ALGORITHMS: Record<HashAlgorithmName, string> = {
  sha256: 'RSASSA_PKCS1_V1_5_SHA_256',
  sha384: 'RSASSA_PKCS1_V1_5_SHA_384',
  sha512: 'RSASSA_PKCS1_V1_5_SHA_512',
};

/** The SDK's standard retry mode: throttling and 5xx are retried with backoff. */
const MAX_ATTEMPTS = 4;

/**
 * Signs with an RSA key in AWS KMS (docs/aws-kms.md): `Sign` with MessageType DIGEST, so only
 * the hash of the signed attributes leaves the machine and the key never leaves KMS. The
 * certificate chain comes from files, as KMS holds no certificates.
 */
class AwsKmsSigner implements DigestSigner {
  readonly #client: KMSClient;
  readonly #keyId: string;
  readonly #algorithms: readonly string[];

  constructor(
    client: KMSClient,
    keyId: string,
    algorithms: readonly string[],
    readonly certificate: Uint8Array,
    readonly chain: readonly Uint8Array[],
  ) {
    this.#client = client;
    this.#keyId = keyId;
    this.#algorithms = algorithms;
  }

  async signDigest(digest: Uint8Array, hashAlgorithm: HashAlgorithmName): Promise<Uint8Array> {
    const algorithm = SIGNING_ALGORITHMS[hashAlgorithm];
    if (!this.#algorithms.includes(algorithm)) {
      throw new NupkgSigningError(
        'NU3014',
        `AWS KMS key ${this.#keyId} does not offer ${algorithm} (it offers ${this.#algorithms.join(', ') || 'none'}): NuGet needs RSA PKCS#1 v1.5 signatures.`,
      );
    }
    const { SignCommand } = await import('@aws-sdk/client-kms');
    const doing = `signing with KMS key ${this.#keyId}`;
    const answer = await this.#client
      .send(
        new SignCommand({
          KeyId: this.#keyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: algorithm as 'RSASSA_PKCS1_V1_5_SHA_256',
        }),
      )
      .catch((error: unknown) => {
        throw awsError(error, doing);
      });
    if (!(answer.Signature instanceof Uint8Array) || answer.Signature.length === 0) {
      throw new NupkgSigningError('NU3001', `AWS KMS returned no signature while ${doing}.`);
    }
    return answer.Signature;
  }

  toString(): string {
    return `AwsKmsSigner(${this.#keyId}, credentials redacted)`;
  }

  toJSON(): { type: string; key: string } {
    return { type: 'AwsKmsSigner', key: this.#keyId };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Checks the key before any package is touched: GetPublicKey must show an RSA key for signing
 * whose public key is the certificate's. Each mismatch gets its own coded message.
 */
export async function createAwsKmsSigner(options: AwsKmsSignerOptions): Promise<Signer> {
  const { certificateChainPem, env = process.env, ...target } = options;
  const { certificate, chain } = certificateChainFor(certificateChainPem, 'AWS KMS');
  const keyId = checkKeyId(target.keyId);
  const region = awsRegion(target, env);
  const endpoint =
    target.endpoint === undefined
      ? undefined
      : serviceEndpoint(target.endpoint, 'The AWS KMS endpoint');
  const stsEndpoint =
    target.stsEndpoint === undefined
      ? undefined
      : serviceEndpoint(target.stsEndpoint, 'The AWS STS endpoint');
  // The SDK warns on Node < 22 that its releases after January 2027 will need Node 22. The copy
  // bundled here is pinned, so that is the maintainers' concern, not a message for each user.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const credentials = await awsCredentials(target, region, env, stsEndpoint);
  // Loaded here, not at start-up: ncc puts the SDK in a chunk only this path reads.
  const { KMSClient, GetPublicKeyCommand } = await import('@aws-sdk/client-kms');
  const client = new KMSClient({
    region,
    credentials,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: AWS_REQUEST_HANDLER,
    ...(endpoint === undefined ? {} : { endpoint }),
  });
  client.middlewareStack.use(boundedAnswers('KMS'));
  const info = await client
    .send(new GetPublicKeyCommand({ KeyId: keyId }))
    .catch((error: unknown) => {
      throw awsError(error, `reading the public key of KMS key ${keyId}`);
    });
  const name = info.KeyId ?? keyId;
  if (info.KeyUsage !== 'SIGN_VERIFY') {
    throw new NupkgSigningError(
      'NU3014',
      `AWS KMS key ${name} has key usage ${info.KeyUsage ?? 'unknown'}, so it cannot sign: create an RSA key with key usage SIGN_VERIFY (RSA_3072 or RSA_4096) and have its certificate issued.`,
    );
  }
  if (!info.KeySpec?.startsWith('RSA_')) {
    throw new NupkgSigningError(
      'NU3014',
      `AWS KMS key ${name} is a ${info.KeySpec ?? 'unknown'} key: NuGet accepts only RSA signatures, so create an RSA key with key usage SIGN_VERIFY (RSA_3072 or RSA_4096).`,
    );
  }
  if (!(info.PublicKey instanceof Uint8Array)) {
    throw new NupkgSigningError('NU3001', `AWS KMS returned no public key for key ${name}.`);
  }
  checkPublicKeyMatches(info.PublicKey, certificate, name, 'AWS KMS');
  return signerFromDigestSigner(
    new AwsKmsSigner(client, name, info.SigningAlgorithms ?? [], certificate, chain),
  );
}

function checkKeyId(keyId: string): string {
  const trimmed = keyId.trim();
  if (trimmed === '' || trimmed.length > 2048 || /\s/.test(trimmed)) {
    throw new NupkgSigningError(
      'NUPKG003',
      'Give the AWS KMS key as a key id, key ARN, alias name (alias/NAME) or alias ARN.',
    );
  }
  return trimmed;
}
