import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCrl, type ParsedCrl } from './crl.js';

/** At most this many files are read from a revocation directory. */
const MAX_FILES = 10_000;

/**
 * OCSP responses (`*.ocsp`, DER) and CRLs (`*.crl`, DER or PEM) kept in a directory: the input of
 * `files` mode, and an optional cache in `online` mode. Files that do not parse are skipped; they
 * may be about other certificates.
 */
export interface DirectoryContents {
  readonly ocspResponses: readonly Uint8Array[];
  readonly crls: readonly ParsedCrl[];
}

export async function readRevocationDirectory(
  directory: string,
  maxBytes: number,
): Promise<DirectoryContents> {
  const names = (await readdir(directory)).sort().slice(0, MAX_FILES);
  const ocspResponses: Uint8Array[] = [];
  const crls: ParsedCrl[] = [];
  for (const name of names) {
    const lower = name.toLowerCase();
    if (!lower.endsWith('.ocsp') && !lower.endsWith('.crl')) continue;
    const path = join(directory, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || info.size > maxBytes) continue;
    const bytes = new Uint8Array(await readFile(path));
    if (lower.endsWith('.ocsp')) {
      ocspResponses.push(bytes);
    } else {
      try {
        crls.push(parseCrl(bytes));
      } catch {
        // not a CRL: ignored like any unrelated file
      }
    }
  }
  return { ocspResponses, crls };
}

/** Saves a downloaded response for later runs (best effort: a read-only cache is not an error). */
export async function saveToDirectory(
  directory: string,
  key: string,
  extension: 'ocsp' | 'crl',
  bytes: Uint8Array,
): Promise<void> {
  const name = `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.${extension}`;
  try {
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, name), bytes);
  } catch {
    // ignored: the cache only saves time
  }
}
