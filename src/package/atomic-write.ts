import type { Stats } from 'node:fs';
import { lstat, open, realpath, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeError, NupkgSigningError } from '../errors.js';
import { replaceFile, type ReplaceOptions } from './replace-file.js';
import { temporaryNameFor } from './temporary-files.js';

/** The temporary file `produce` fills: created exclusively, owned by the write. */
export interface TemporaryFile {
  readonly path: string;
  /** Open for writing at offset 0; closed by `writeFileAtomically`, not by `produce`. */
  readonly handle: FileHandle;
}

/**
 * Writes `destination` all at once: `produce` fills a temporary file next to the file that is
 * replaced (so the final rename stays on one file system and is atomic), which is flushed to disk
 * and renamed over it. Readers see either the old file or the complete new one, never a partial
 * package.
 *
 * A symbolic link is written through: its target is replaced and the link stays a link (a rename
 * over the link would replace the link and leave the target as it was). A link to nothing, or to
 * something that is not a regular file, is refused.
 *
 * On any failure the temporary file is deleted and `destination` is left as it was; this also
 * holds when `produce` reads `destination` itself (signing in place). A killed process leaves its
 * temporary file, named so that `removeStaleTemporaries` recognises it later.
 *
 * `options` name the platform and the rename's file-system calls (`replaceFile`: retries and
 * read-only destinations on Windows); tests set them to act as Windows does.
 */
export async function writeFileAtomically(
  destination: string,
  produce: (temporary: TemporaryFile) => Promise<void>,
  options: ReplaceOptions = {},
): Promise<void> {
  let temporaryPath: string | undefined;
  let handle: FileHandle | undefined;
  try {
    const target = await resolveWriteTarget(destination);
    temporaryPath = join(dirname(target.path), await temporaryNameFor(basename(target.path)));
    // 'wx' is O_CREAT | O_EXCL: never an existing file, never through a symlink planted there.
    handle = await open(
      temporaryPath,
      'wx',
      target.existing ? target.existing.mode & 0o777 : 0o666,
    );
    await produce({ path: temporaryPath, handle });
    if (target.existing) await keepOwnerAndMode(handle, target.existing);
    // fsync before rename: otherwise a crash can leave a renamed but empty file on some file
    // systems.
    await handle.sync();
    await handle.close();
    handle = undefined;
    await replaceFile(temporaryPath, target.path, target.existing?.mode, options);
    temporaryPath = undefined;
    await syncDirectory(dirname(target.path), options.platform ?? process.platform).catch(
      (error: unknown) => {
        throw new NupkgSigningError(
          'NUPKG002',
          `'${destination}' was replaced, but its folder could not be flushed to disk: ${describeError(error)}.`,
          { file: destination, cause: error },
        );
      },
    );
  } catch (error) {
    // Cleanup must not hide the real failure (e.g. ENOTDIR when the parent is a file).
    await handle?.close().catch(() => undefined);
    if (temporaryPath) await rm(temporaryPath, { force: true }).catch(() => undefined);
    if (error instanceof NupkgSigningError) throw error;
    throw new NupkgSigningError(
      'NUPKG002',
      `Cannot write '${destination}': ${describeError(error)}.`,
      { file: destination, cause: error },
    );
  }
}

/**
 * The real folder a write to `destination` puts its temporary file in (symlinks resolved), where
 * stale temporaries of earlier runs are found; undefined when it cannot be resolved (the write
 * then reports why).
 */
export async function writeDirectoryOf(destination: string): Promise<string | undefined> {
  try {
    return dirname((await resolveWriteTarget(destination)).path);
  } catch {
    return undefined;
  }
}

interface WriteTarget {
  /** The real path that is replaced or created. */
  readonly path: string;
  /** The file replaced, when there is one. */
  readonly existing?: Stats;
}

async function resolveWriteTarget(destination: string): Promise<WriteTarget> {
  let path: string;
  try {
    path = await realpath(destination);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // ELOOP, EACCES, ...
    if ((await lstat(destination).catch(() => undefined))?.isSymbolicLink()) {
      throw new NupkgSigningError(
        'NUPKG002',
        `Cannot write '${destination}': it is a symbolic link to a file that does not exist. Remove the link or point it at the package.`,
        { file: destination },
      );
    }
    // A new file: in the real folder, so the temporary file is found there again.
    return { path: join(await realpath(dirname(destination)), basename(destination)) };
  }
  const existing = await stat(path);
  if (!existing.isFile()) {
    throw new NupkgSigningError(
      'NUPKG002',
      `Cannot write '${destination}': ${path === destination ? 'it' : `its target '${path}'`} is not a regular file.`,
      { file: destination },
    );
  }
  return { path, existing };
}

/**
 * Replacing a file should not change its permissions (a new file gets umask defaults) nor, when
 * root signs someone else's package (a container job on a mounted workspace), its owner.
 */
async function keepOwnerAndMode(handle: FileHandle, original: Stats): Promise<void> {
  if (process.getuid?.() === 0) {
    const own = await handle.stat();
    if (own.uid !== original.uid || own.gid !== original.gid) {
      await handle.chown(original.uid, original.gid);
    }
  }
  // After chown, which clears set-user-ID bits.
  await handle.chmod(original.mode & 0o7777);
}

/**
 * fsync of the folder after the rename, so the new name survives a crash. Windows cannot open a
 * folder for this (NTFS journals the rename); some file systems refuse it (EINVAL), and a folder
 * we may write but not read cannot be opened: the rename has happened either way.
 */
async function syncDirectory(directory: string, platform: NodeJS.Platform): Promise<void> {
  if (platform === 'win32') return;
  let handle: FileHandle;
  try {
    handle = await open(directory, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
  } finally {
    await handle.close();
  }
}
