import { X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import { NupkgSigningError } from '../../errors.js';
import { displayUrl } from '../../http/url.js';
import type { HashAlgorithmName } from '../../hash-algorithms.js';
import { loadPemCertificates } from '../../trust/pem.js';
import { signerFromDigestSigner, type DigestSigner, type Signer } from '../signer.js';
import { tokenSource, type AzureCredential } from './azure-credential.js';
import { decodeBase64, stringField } from './azure-http.js';
import { checkVaultUrl, keyVaultScope, KeyVaultClient } from './key-vault-client.js';

/** A certificate in Azure Key Vault whose key signs (docs/azure-key-vault.md). */
export interface AzureKeyVaultTarget {
  /** https://NAME.vault.azure.net */
  readonly vaultUrl: string;
  readonly certificateName: string;
  /** A version id; default the current version. */
  readonly certificateVersion?: string;
  readonly credential: AzureCredential;
}

export interface AzureKeyVaultSignerOptions extends AzureKeyVaultTarget {
  /** The signing certificate's issuers (PEM), which Key Vault's certificate object lacks. */
  readonly certificateChainPem?: string;
}

/** JWS names of RSASSA-PKCS1-v1_5 per hash: what Key Vault's sign operation takes as `alg`. */
const RSA_ALGORITHMS: Record<HashAlgorithmName, string> = {
  sha256: 'RS256',
  sha384: 'RS384',
  sha512: 'RS512',
};
const RSA_KEY_TYPES = new Set(['RSA', 'RSA-HSM']);

/**
 * Signs each digest with the key of a Key Vault certificate through the `sign` operation; the
 * key never leaves the vault (an RSA-HSM key never leaves its HSM). Key Vault computes the
 * PKCS#1 v1.5 DigestInfo itself from the digest and `alg`.
 */
class KeyVaultSigner implements DigestSigner {
  constructor(
    readonly certificate: Uint8Array,
    readonly chain: readonly Uint8Array[],
    private readonly client: KeyVaultClient,
    private readonly keyId: URL,
    private readonly label: string,
  ) {}

  async signDigest(digest: Uint8Array, hashAlgorithm: HashAlgorithmName): Promise<Uint8Array> {
    const answer = await this.client.send(
      'POST',
      this.client.url(`${this.keyId.pathname}/sign`),
      { what: `key of ${this.label}`, permission: 'keys/sign', role: 'Key Vault Crypto User' },
      { alg: RSA_ALGORITHMS[hashAlgorithm], value: Buffer.from(digest).toString('base64url') },
    );
    const signature = decodeBase64(stringField(answer, 'value'));
    if (signature === undefined || signature.length === 0) {
      throw new NupkgSigningError(
        'NU3001',
        `Azure Key Vault answered the sign request for the key of ${this.label} without a signature.`,
      );
    }
    return signature;
  }

  toString(): string {
    return `KeyVaultSigner(${this.label}, token redacted)`;
  }

  toJSON(): { type: string; certificate: string } {
    return { type: 'KeyVaultSigner', certificate: this.label };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Reads the certificate (its `cer` and `kid`) and its key (type, operations, enabled) from the
 * vault, checks they can sign a NuGet package, and returns the Signer. Each setup mistake gets a
 * coded message saying what to fix; no package is touched before this succeeds.
 */
export async function createKeyVaultSigner(options: AzureKeyVaultSignerOptions): Promise<Signer> {
  checkName(options.certificateName, 'certificate name');
  if (options.certificateVersion !== undefined) {
    checkName(options.certificateVersion, 'certificate version');
  }
  const issuers = pemIssuers(options.certificateChainPem);
  const vault = checkVaultUrl(options.vaultUrl);
  const client = new KeyVaultClient(vault, tokenSource(options.credential, keyVaultScope(vault)));
  const label = `certificate '${options.certificateName}'${options.certificateVersion ? ` version ${options.certificateVersion}` : ''} in ${displayUrl(client.vault)}`;
  const path = `/certificates/${options.certificateName}${options.certificateVersion ? `/${options.certificateVersion}` : ''}`;
  const bundle = await client.send('GET', client.url(path), {
    what: `certificate '${options.certificateName}'`,
    permission: 'certificates/get',
    role: 'Key Vault Reader',
  });

  const certificate = decodeBase64(stringField(bundle, 'cer'));
  if (certificate === undefined || !isCertificate(certificate)) {
    throw new NupkgSigningError(
      'NU3001',
      `Azure Key Vault has no issued certificate for ${label} (no 'cer' in its answer): a certificate whose signing request is still pending must be merged with the CA's certificate first ('az keyvault certificate pending merge').`,
    );
  }
  const keyId = keyIdentifier(stringField(bundle, 'kid'), client, label);
  const key = await client.send('GET', client.url(keyId.pathname), {
    what: `key of ${label}`,
    permission: 'keys/get',
    role: 'Key Vault Crypto User',
    notFound:
      "the certificate's private key was deleted or purged; sign with a certificate whose key is in the vault.",
  });
  checkKey(key, label);
  // A chain file written "signing certificate first" (as remote signing wants) may hold the leaf.
  const chain = issuers.filter((der) => !Buffer.from(der).equals(Buffer.from(certificate)));
  return signerFromDigestSigner(new KeyVaultSigner(certificate, chain, client, keyId, label));
}

/** The certificate's `kid`, which must name a key version in the same vault (the token goes there). */
function keyIdentifier(kid: string | undefined, client: KeyVaultClient, label: string): URL {
  let url: URL | undefined;
  try {
    url = kid === undefined ? undefined : new URL(kid);
  } catch {
    url = undefined;
  }
  if (url === undefined) {
    throw new NupkgSigningError(
      'NU3001',
      `Azure Key Vault's ${label} has no private key (no 'kid' in its answer): sign with a certificate created or imported with its key in the vault.`,
    );
  }
  if (!client.owns(url) || !/^\/keys\/[A-Za-z0-9-]+\/[A-Za-z0-9]+$/.test(url.pathname)) {
    throw new NupkgSigningError(
      'NU3001',
      `Azure Key Vault's ${label} names its key as ${displayUrl(url)}, which is not a key version in the same vault; the token is sent nowhere else.`,
    );
  }
  return url;
}

/** NuGet signs with RSA only; the key must allow `sign` and be enabled. */
function checkKey(answer: Record<string, unknown>, label: string): void {
  const jwk = answer.key;
  const kty = stringField(jwk, 'kty');
  if (kty === undefined || !RSA_KEY_TYPES.has(kty)) {
    throw new NupkgSigningError(
      'NU3014',
      `The key of ${label} is ${kty === undefined ? 'of no stated type' : `an ${printable(kty)} key`}; NuGet accepts only RSA signatures (2048 bits or more): create the certificate with key type RSA-HSM (or RSA) in its policy.`,
    );
  }
  const operations = (jwk as { key_ops?: unknown }).key_ops;
  if (Array.isArray(operations) && !operations.includes('sign')) {
    throw new NupkgSigningError(
      'NU3001',
      `The key of ${label} does not permit the sign operation (its key_ops: ${
        operations
          .filter((o) => typeof o === 'string')
          .map(printable)
          .join(', ') || 'none'
      }): allow 'sign' ('az keyvault key set-attributes --ops sign verify …').`,
    );
  }
  const attributes = answer.attributes as { enabled?: unknown } | undefined;
  if (attributes?.enabled === false) {
    throw new NupkgSigningError(
      'NU3001',
      `The key of ${label} is disabled: enable it ('az keyvault key set-attributes --enabled true …').`,
    );
  }
}

function pemIssuers(pem: string | undefined): Uint8Array[] {
  if (pem === undefined) return [];
  try {
    return loadPemCertificates(pem);
  } catch {
    throw new NupkgSigningError(
      'NU3001',
      'The certificate chain given with Azure Key Vault is not PEM: give the issuers of the vault certificate (intermediates), PEM.',
    );
  }
}

function isCertificate(der: Uint8Array): boolean {
  try {
    new X509Certificate(der);
    return true;
  } catch {
    return false;
  }
}

/** Key Vault object names: 1-127 letters, digits and dashes (versions: 32 hex digits). */
function checkName(name: string, what: string): void {
  if (!/^[A-Za-z0-9-]{1,127}$/.test(name)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `The Key Vault ${what} may hold only letters, digits and dashes (1 to 127 of them).`,
    );
  }
}

/** Server text in a message: printable ASCII only, short (the report layer escapes the rest). */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 32);
}
