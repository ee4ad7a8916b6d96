import { inspect } from 'node:util';
import { NupkgSigningError } from '../../errors.js';
import type { HashAlgorithmName } from '../../hash-algorithms.js';
import { loadPemCertificates } from '../../trust/pem.js';
import { digestInfo, signerFromDigestSigner, type DigestSigner, type Signer } from '../signer.js';
import {
  checkTarget,
  describeKey,
  describeToken,
  keyArguments,
  runPkcs11Tool,
  type Pkcs11Target,
} from './pkcs11-tool.js';
import { readTokenCertificates } from './token-certificates.js';
import { describeObjects, isTargetObject, listTokenObjects } from './token-objects.js';

export type { Pkcs11Target } from './pkcs11-tool.js';

export interface Pkcs11SignerOptions extends Pkcs11Target {
  /**
   * PEM certificates to use besides the token's: the signing certificate when the token holds
   * none, and intermediates the token lacks.
   */
  readonly certificateChainPem?: string;
}

/**
 * Signs with an RSA key inside a PKCS#11 token (docs/pkcs11.md). The key is used through the
 * token's module and never leaves it: we send the DigestInfo of each digest with mechanism
 * CKM_RSA_PKCS, which the token pads and encrypts, i.e. RSASSA-PKCS1-v1_5 (RFC 8017 §8.2).
 */
class Pkcs11Signer implements DigestSigner {
  readonly #target: Pkcs11Target;

  constructor(
    target: Pkcs11Target,
    readonly certificate: Uint8Array,
    readonly chain: readonly Uint8Array[],
  ) {
    this.#target = target;
  }

  async signDigest(digest: Uint8Array, hashAlgorithm: HashAlgorithmName): Promise<Uint8Array> {
    const block = digestInfo(hashAlgorithm, digest);
    const signature = await runPkcs11Tool(
      this.#target,
      ['--sign', '--mechanism', 'RSA-PKCS', ...keyArguments(this.#target)],
      block,
    );
    if (signature.length === 0) {
      throw new NupkgSigningError(
        'NU3001',
        `pkcs11-tool returned no signature from the key with ${describeKey(this.#target)} on ${describeToken(this.#target)}.`,
      );
    }
    return new Uint8Array(signature);
  }

  toString(): string {
    return `Pkcs11Signer(${describeKey(this.#target)} on ${describeToken(this.#target)}, PIN redacted)`;
  }

  toJSON(): { type: string; key: string; pin: string } {
    return { type: 'Pkcs11Signer', key: describeKey(this.#target), pin: '[redacted]' };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Opens the token, reads the signing certificate (the certificate object with the key's id or
 * label) and its chain, and returns a Signer. Each setup mistake gets its own coded message.
 */
export async function createPkcs11Signer(options: Pkcs11SignerOptions): Promise<Signer> {
  const { certificateChainPem, ...given } = options;
  keyArguments(given);
  await checkTarget(given);
  const extra = certificateChainPem === undefined ? [] : pemCertificates(certificateChainPem);
  const target = await resolveKeyId(given);
  const fromToken = await readTokenCertificates(target);
  const certificate = fromToken?.certificate ?? extra[0];
  if (certificate === undefined) {
    throw new NupkgSigningError(
      'NU3001',
      `${capitalize(describeToken(target))} has no certificate object with ${describeKey(target)}, so the signing certificate is unknown: write it next to the key ('pkcs11-tool --module ${target.module} --login --write-object cert.der --type cert ${keyArguments(target).join(' ')}'), or give the certificate chain with --certificate-chain (PEM, signing certificate first).`,
    );
  }
  const chain = [...(fromToken?.chain ?? [])];
  for (const der of fromToken ? extra : extra.slice(1)) {
    const same = (other: Uint8Array) => Buffer.from(other).equals(Buffer.from(der));
    if (!same(certificate) && !chain.some(same)) chain.push(der);
  }
  return signerFromDigestSigner(new Pkcs11Signer(target, certificate, chain));
}

/**
 * Finds the key (logging in, so a wrong PIN fails here) and returns a target that names it by
 * id. Every later run selects by id: pkcs11-tool's --sign ignores --label (OpenSC 0.23) and would
 * sign with the token's first private key, which a certificate check would only catch later.
 */
async function resolveKeyId(target: Pkcs11Target): Promise<Pkcs11Target> {
  const keys = await listTokenObjects(target, 'privkey');
  const matches = keys.filter((key) => isTargetObject(key, target));
  const [key] = matches;
  if (key === undefined) {
    throw new NupkgSigningError(
      'NU3001',
      `There is no private key with ${describeKey(target)} on ${describeToken(target)} (its private keys: ${describeObjects(keys)}): give the id or label of the signing key, or generate one in the token.`,
    );
  }
  if (target.keyId !== undefined) return target;
  if (matches.length > 1 || key.id === undefined) {
    throw new NupkgSigningError(
      'NU3001',
      `${capitalize(describeToken(target))} ${matches.length > 1 ? `has ${matches.length} private keys` : 'has a private key without an id'} with ${describeKey(target)} (its private keys: ${describeObjects(keys)}): name the key by its id instead.`,
    );
  }
  const resolved: { -readonly [K in keyof Pkcs11Target]: Pkcs11Target[K] } = { ...target };
  delete resolved.keyLabel;
  return { ...resolved, keyId: key.id };
}

function pemCertificates(pem: string): Uint8Array[] {
  try {
    return loadPemCertificates(pem);
  } catch {
    throw new NupkgSigningError('NU3001', 'The certificate chain given with PKCS#11 is not PEM.');
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
