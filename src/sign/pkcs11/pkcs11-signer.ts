import { inspect } from 'node:util';
import { NupkgSigningError } from '../../errors.js';
import type { HashAlgorithmName } from '../../signature/hash-algorithms.js';
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
  const { certificateChainPem, ...target } = options;
  keyArguments(target);
  await checkTarget(target);
  const given = certificateChainPem === undefined ? [] : pemCertificates(certificateChainPem);
  const fromToken = await readTokenCertificates(target);
  const certificate = fromToken?.certificate ?? given[0];
  if (certificate === undefined) {
    throw new NupkgSigningError(
      'NU3001',
      `${capitalize(describeToken(target))} has no certificate object with ${describeKey(target)}, so the signing certificate is unknown: write it next to the key ('pkcs11-tool --module ${target.module} --login --write-object cert.der --type cert ${keyArguments(target).join(' ')}'), or give the certificate chain (PEM, signing certificate first).`,
    );
  }
  const chain = [...(fromToken?.chain ?? [])];
  for (const der of fromToken ? given : given.slice(1)) {
    const same = (other: Uint8Array) => Buffer.from(other).equals(Buffer.from(der));
    if (!same(certificate) && !chain.some(same)) chain.push(der);
  }
  return signerFromDigestSigner(new Pkcs11Signer(target, certificate, chain));
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
