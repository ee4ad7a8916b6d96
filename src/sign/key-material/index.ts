import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { NupkgSigningError } from '../../errors.js';
import { StructureError } from '../../asn1/decode.js';
import { UnsupportedAlgorithmError } from './pbe.js';
import { loadPemPrivateKey, pemCertificates, PemKeyError } from './pem.js';
import { pfxShapeProblem, readPkcs12, WrongPasswordError } from './pfx.js';

/**
 * Loads the signing key and certificates from a PFX/PKCS#12 file or from PEM, and picks the
 * signing certificate: the one whose public key matches the private key.
 *
 * Error messages name the file and the problem, never the password or any key bytes, and carry
 * no `cause` from decryption (which could echo decrypted data).
 */

export interface KeyMaterialInput {
  /** PKCS#12 bytes (`.pfx`/`.p12`); exclusive with the PEM inputs. */
  readonly pfx?: Uint8Array;
  /** The PFX password, or the PEM key's passphrase. */
  readonly password?: string;
  readonly privateKeyPem?: string;
  /** Leaf and chain certificates; when absent, certificates in `privateKeyPem` are used. */
  readonly certificateChainPem?: string;
  /** How to name the input in messages (usually its path). */
  readonly source?: string;
}

export interface KeyMaterial {
  readonly privateKey: KeyObject;
  /** DER of the certificate whose public key matches `privateKey`. */
  readonly certificate: Uint8Array;
  /** The other certificates, in input order, without duplicates. */
  readonly chain: Uint8Array[];
}

export function loadKeyMaterial(input: KeyMaterialInput): KeyMaterial {
  const hasPem = input.privateKeyPem !== undefined;
  if ((input.pfx === undefined) === !hasPem) {
    throw new NupkgSigningError(
      'NUPKG003',
      'Give either a PFX/PKCS#12 file or a PEM private key with its certificate chain, not both.',
    );
  }
  return input.pfx !== undefined
    ? fromPfx(input.pfx, input)
    : fromPem(input.privateKeyPem as string, input);
}

function fromPfx(pfx: Uint8Array, input: KeyMaterialInput): KeyMaterial {
  const source = input.source ?? 'the PKCS#12 data';
  const fail = (message: string) =>
    new NupkgSigningError('NU3001', message, { file: input.source });
  const shape = pfxShapeProblem(pfx);
  if (shape === 'empty') throw fail(`The PKCS#12 (PFX) file ${source} is empty.`);
  if (shape === 'pem') {
    throw fail(
      `${source} is a PEM file, not a PKCS#12 (PFX) file: give a PEM private key with --private-key and its certificates with --certificate-chain (the action's private-key and certificate-chain inputs).`,
    );
  }
  if (shape) {
    throw fail(
      `The PKCS#12 (PFX) file ${source} is truncated: it declares ${shape.truncated.declared} bytes but has ${shape.truncated.actual}. Copy or export it again.`,
    );
  }
  let contents;
  try {
    contents = readPkcs12(pfx, input.password ?? '');
  } catch (error) {
    if (error instanceof UnsupportedAlgorithmError) {
      throw fail(
        `The PKCS#12 file ${source} uses ${error.message}, which is not supported. Re-export it with AES-256 (PBES2) or 3DES encryption.`,
      );
    }
    if (error instanceof WrongPasswordError) {
      throw fail(`The certificate password is wrong or the file is not a PKCS#12 file: ${source}`);
    }
    if (error instanceof StructureError) {
      // The structural labels only ("authSafe is not a data ContentInfo"), never file bytes.
      throw fail(
        `${source} is damaged or not a PKCS#12 (PFX) file (${error.message}). Export the certificate with its private key as a .pfx again.`,
      );
    }
    throw error;
  }
  try {
    if (contents.privateKeys.length === 0) {
      throw fail(
        `The PKCS#12 file ${source} contains no private key. Export the certificate together with its private key.`,
      );
    }
    const keys = contents.privateKeys.map((der) => {
      try {
        return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      } catch {
        throw fail(`The private key in ${source} cannot be read or uses an unsupported key type.`);
      }
    });
    return pickLeaf(keys, contents.certificates, source, fail);
  } finally {
    for (const der of contents.privateKeys) der.fill(0);
  }
}

function fromPem(privateKeyPem: string, input: KeyMaterialInput): KeyMaterial {
  const source = input.source ?? 'the PEM private key';
  const fail = (message: string) =>
    new NupkgSigningError('NU3001', message, { file: input.source });
  let key: KeyObject;
  try {
    key = loadPemPrivateKey(privateKeyPem, input.password);
  } catch (error) {
    if (error instanceof UnsupportedAlgorithmError) {
      throw fail(
        `The private key in ${source} is encrypted with ${error.message}, which is not supported.`,
      );
    }
    if (!(error instanceof PemKeyError)) throw error;
    const messages = {
      none: `No private key found in ${source}: expected a PEM block such as -----BEGIN PRIVATE KEY-----.`,
      'needs-password': `The private key in ${source} is encrypted; give its password.`,
      'wrong-password': `The private key password is wrong or the key is damaged: ${source}`,
      invalid: `The private key in ${source} cannot be read or uses an unsupported key type.`,
    } as const;
    throw fail(messages[error.problem]);
  }
  const certificates = pemCertificates(input.certificateChainPem ?? privateKeyPem);
  if (certificates.length === 0) {
    throw fail(
      `No certificate found for ${source}: give the certificate chain as PEM (-----BEGIN CERTIFICATE-----).`,
    );
  }
  return pickLeaf([key], certificates, source, fail);
}

/** The first key with a matching certificate wins, as .NET picks the PFX's certificate with a key. */
function pickLeaf(
  keys: KeyObject[],
  certificates: Uint8Array[],
  source: string,
  fail: (message: string) => NupkgSigningError,
): KeyMaterial {
  const parsed = certificates.map((der) => {
    try {
      return new X509Certificate(der);
    } catch {
      throw fail(`A certificate in ${source} cannot be parsed.`);
    }
  });
  for (const privateKey of keys) {
    const index = parsed.findIndex((certificate) => matches(certificate, privateKey));
    if (index === -1) continue;
    const leaf = certificates[index] as Uint8Array;
    const chain: Uint8Array[] = [];
    for (const der of certificates) {
      const duplicate = [leaf, ...chain].some((seen) => Buffer.from(seen).equals(der));
      if (!duplicate) chain.push(der);
    }
    return { privateKey, certificate: leaf, chain };
  }
  throw fail(
    `No certificate in ${source} matches its private key. Include the signing certificate.`,
  );
}

function matches(certificate: X509Certificate, privateKey: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(privateKey);
  } catch {
    return false; // a different key type
  }
}
