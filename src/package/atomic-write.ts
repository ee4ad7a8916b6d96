import { randomBytes } from 'node:crypto';
import { chmod, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { NupkgSigningError } from '../errors.js';

/**
 * Writes `destination` all at once: `produce` fills a temporary file in the same directory (so the
 * final rename stays on one file system and is atomic), which is flushed to disk and renamed over
 * the target. Readers see either the old file or the complete new one, never a partial package.
 *
 * On any failure the temporary file is deleted and `destination` is left as it was; this also
 * holds when `produce` reads `destination` itself (signing in place).
 */
export async function writeFileAtomically(
  destination: string,
  produce: (temporaryPath: string) => Promise<void>,
): Promise<void> {
  const temporaryPath = join(
    dirname(destination),
    `.${basename(destination)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await produce(temporaryPath);
    await flush(temporaryPath);
    await keepMode(destination, temporaryPath);
    await rename(temporaryPath, destination);
  } catch (error) {
    // Cleanup must not hide the real failure (e.g. ENOTDIR when the parent is a file).
    await rm(temporaryPath, { force: true }).catch(() => undefined);
    if (error instanceof NupkgSigningError) throw error;
    throw new NupkgSigningError(
      'NUPKG002',
      `Cannot write '${destination}': ${error instanceof Error ? error.message : String(error)}.`,
      { file: destination, cause: error },
    );
  }
}

/** fsync before rename: otherwise a crash can leave a renamed but empty file on some file systems. */
async function flush(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replacing a file should not change its permissions (a new file would get umask defaults). */
async function keepMode(destination: string, temporaryPath: string): Promise<void> {
  let mode: number;
  try {
    mode = (await stat(destination)).mode & 0o7777;
  } catch {
    return; // no existing file: defaults are right
  }
  await chmod(temporaryPath, mode);
}
