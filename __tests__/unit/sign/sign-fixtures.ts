// @peculiar/x509 (via helpers/pki.ts) needs a Reflect metadata API before it loads.
import '../../helpers/reflect-metadata.js';
import { spawnSync } from 'node:child_process';
import type * as asn1js from 'asn1js';
import { getPkijs, toArrayBuffer } from '../../../src/crypto.js';
import { LocalKeySigner } from '../../../src/sign/local-key-signer.js';
import { buildSignatureContent } from '../../../src/signature/signature-content.js';
import type { CertificateOptions, TestCa, TestCertificate } from '../../helpers/pki.js';

// Loaded dynamically: jest links the CommonJS @peculiar/x509 of a static import before any module
// body runs, which would be before the Reflect shim is installed.
const { createRootCa } = await import('../../helpers/pki.js');

/** Shared set-up for the signing tests: a root → leaf code-signing chain and a signer for it. */
export interface SigningPki {
  readonly root: TestCa;
  readonly leaf: TestCertificate;
  readonly signer: LocalKeySigner;
}

export async function createSigningPki(leafOptions: CertificateOptions = {}): Promise<SigningPki> {
  const root = await createRootCa({ subject: 'CN=Sign Test Root, O=nupkg-signing tests' });
  const leaf = await root.issueLeaf({ subject: 'CN=Sign Test Author', ...leafOptions });
  return {
    root,
    leaf,
    signer: new LocalKeySigner(leaf.keyObject, leaf.certificate, [root.certificate]),
  };
}

/** Signature content for a package whose hash is 32 bytes of 0x11. */
export const SAMPLE_CONTENT = buildSignatureContent('sha256', Buffer.alloc(32, 0x11));

export const SIGNING_TIME = new Date('2024-03-05T06:07:08.901Z');

/** An independent view of the CMS, through pkijs rather than our own DER splitter. */
export function parseWithPkijs(der: Uint8Array) {
  const pkijs = getPkijs();
  const contentInfo = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
  return new pkijs.SignedData({ schema: contentInfo.content as asn1js.Sequence });
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function openssl(
  args: string[],
  input?: Uint8Array,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('openssl', args, { input, encoding: 'buffer' });
  return {
    status: result.status,
    stdout: result.stdout.toString('utf8'),
    stderr: result.stderr.toString('utf8'),
  };
}
