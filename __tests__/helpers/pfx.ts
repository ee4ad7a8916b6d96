import { spawnSync } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';

/** Whether `openssl` is on PATH: the tests that need a PFX skip without it. */
export const haveOpenssl = spawnSync('openssl', ['version']).status === 0;

export interface PfxContents {
  /** The private key; written as PKCS#8 PEM for openssl. */
  readonly key: KeyObject;
  /** The certificates in PEM, leaf first. */
  readonly chainPem: string;
  readonly password: string;
  /** AES-256-CBC and an SHA-256 MAC, the protection the .NET SDK expects, instead of openssl's default. */
  readonly aes?: boolean;
}

/**
 * Writes a PKCS#12 (PFX) file to `out` with `openssl pkcs12 -export`, the way a user makes one;
 * its inputs go beside it (`out.key.pem`, `out.chain.pem`). Throws with openssl's message if the
 * export fails. Returns `out`.
 */
export function exportPfx(out: string, contents: PfxContents): string {
  const keyFile = `${out}.key.pem`;
  const chainFile = `${out}.chain.pem`;
  writeFileSync(keyFile, contents.key.export({ format: 'pem', type: 'pkcs8' }));
  writeFileSync(chainFile, contents.chainPem);
  const protection = contents.aes
    ? ['-keypbe', 'AES-256-CBC', '-certpbe', 'AES-256-CBC', '-macalg', 'sha256']
    : [];
  const exported = spawnSync('openssl', [
    'pkcs12',
    '-export',
    ...protection,
    '-out',
    out,
    '-inkey',
    keyFile,
    '-in',
    chainFile,
    '-passout',
    `pass:${contents.password}`,
  ]);
  if (exported.status !== 0)
    throw new Error(`openssl pkcs12 failed: ${exported.stderr.toString()}`);
  return out;
}
