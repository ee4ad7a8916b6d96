import { X509Certificate } from 'node:crypto';
import { NupkgSigningError } from '../../errors.js';
import { LIMITS } from '../../limits.js';
import {
  describeKey,
  describeToken,
  keyArguments,
  runPkcs11Tool,
  type Pkcs11Target,
} from './pkcs11-tool.js';
import { isTargetObject, listTokenObjects } from './token-objects.js';

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
  const objects = await listTokenObjects(target, 'cert');
  if (!objects.some((object) => isTargetObject(object, target))) return undefined;
  const leaf = await readCertificate(target, keyArguments(target));
  if (leaf === undefined) return undefined;
  const others: X509Certificate[] = [];
  const ids = objects
    .filter((object) => !isTargetObject(object, target))
    .flatMap((object) => (object.id === undefined ? [] : [object.id]));
  for (const id of [...new Set(ids)].slice(0, LIMITS.maxPkcs11TokenCertificates)) {
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
