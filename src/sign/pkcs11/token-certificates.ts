import { X509Certificate } from 'node:crypto';
import { NupkgSigningError } from '../../errors.js';
import { LIMITS } from '../../package/limits.js';
import {
  describeKey,
  describeToken,
  keyArguments,
  runPkcs11Tool,
  type Pkcs11Target,
} from './pkcs11-tool.js';

/** The signing certificate and the chain certificates found on the token. */
export interface TokenCertificates {
  readonly certificate: Uint8Array;
  /** The signing certificate's issuers found on the token, nearest first. */
  readonly chain: readonly Uint8Array[];
}

/**
 * Reads the certificate object that shares the key's id (or label), then follows its issuers
 * among the token's other certificate objects. Unrelated certificates on the token are left out.
 * Returns undefined when the token has no certificate for the key.
 */
export async function readTokenCertificates(
  target: Pkcs11Target,
): Promise<TokenCertificates | undefined> {
  const ids = parseCertificateIds((await runPkcs11Tool(target, listArguments)).toString('utf8'));
  const leaf = await readCertificate(target, keyArguments(target)).catch((error: unknown) => {
    if (error instanceof NupkgSigningError && /object not found/i.test(error.message))
      return undefined;
    throw error;
  });
  if (leaf === undefined) return undefined;
  const others: X509Certificate[] = [];
  for (const id of ids.slice(0, LIMITS.maxPkcs11TokenCertificates)) {
    if (id === target.keyId?.toLowerCase()) continue;
    const der = await readCertificate(target, ['--id', id]);
    if (der) others.push(parse(der, target, `id ${id}`));
  }
  const chain: X509Certificate[] = [];
  let current = parse(leaf, target, describeKey(target));
  for (;;) {
    if (current.checkIssued(current)) break;
    const child = current;
    const issuer = others.find(
      (candidate) =>
        !chain.includes(candidate) &&
        child.checkIssued(candidate) &&
        child.verify(candidate.publicKey),
    );
    if (issuer === undefined) break;
    chain.push(issuer);
    current = issuer;
  }
  return { certificate: leaf, chain: chain.map((c) => new Uint8Array(c.raw)) };
}

const listArguments = ['--list-objects', '--type', 'cert'];

/** The hex ids of the `Certificate Object` blocks of `pkcs11-tool --list-objects`. */
export function parseCertificateIds(listing: string): string[] {
  const ids: string[] = [];
  let inCertificate = false;
  for (const line of listing.split(/\r?\n/)) {
    if (/^\S/.test(line)) inCertificate = line.startsWith('Certificate Object');
    const id = /^\s+ID:\s+([0-9a-fA-F]+)\s*$/.exec(line)?.[1];
    if (inCertificate && id !== undefined && !ids.includes(id.toLowerCase()))
      ids.push(id.toLowerCase());
  }
  return ids;
}

async function readCertificate(
  target: Pkcs11Target,
  selection: readonly string[],
): Promise<Uint8Array | undefined> {
  const der = await runPkcs11Tool(target, ['--read-object', '--type', 'cert', ...selection]);
  return der.length > 0 ? new Uint8Array(der) : undefined;
}

function parse(der: Uint8Array, target: Pkcs11Target, which: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (error) {
    throw new NupkgSigningError(
      'NU3001',
      `The certificate object with ${which} on ${describeToken(target)} is not a valid X.509 certificate: write the DER certificate again with 'pkcs11-tool --write-object cert.der --type cert'.`,
      { cause: error },
    );
  }
}
