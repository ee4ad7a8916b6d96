import { chmod, rename } from 'node:fs/promises';

/** The file-system calls a replacement makes; tests substitute them to act as Windows does. */
export interface ReplaceFileSystem {
  readonly rename: (from: string, to: string) => Promise<void>;
  readonly chmod: (path: string, mode: number) => Promise<void>;
  readonly sleep: (milliseconds: number) => Promise<void>;
}

export interface ReplaceOptions {
  /** Default: the running platform. */
  readonly platform?: NodeJS.Platform;
  /** Default: node:fs/promises and a timer. */
  readonly fs?: Partial<ReplaceFileSystem>;
}

/**
 * Waits between rename attempts on Windows, 2.2 s in total: long enough for an antivirus scan or
 * the search indexer to release a freshly written package, short enough that a file held for good
 * (an open editor, a running process) fails the step soon.
 */
export const WINDOWS_RENAME_BACKOFF_MS: readonly number[] = [
  10, 20, 40, 80, 160, 320, 500, 500, 500,
];

/**
 * Errors Windows gives while another process briefly holds the file: a sharing violation (EBUSY),
 * or an access denial (EPERM, EACCES) that MoveFileEx also reports for a pending delete or a scan.
 */
const TRANSIENT_WINDOWS_CODES = new Set(['EPERM', 'EBUSY', 'EACCES']);

const defaultFileSystem: ReplaceFileSystem = {
  rename,
  chmod,
  sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

/**
 * Renames `temporary` over `destination` (whose mode is `existingMode` when it exists). POSIX
 * renames over any file the folder lets us write; Windows refuses while another process holds the
 * file and refuses a read-only destination, so there the read-only attribute is cleared first (and
 * put back afterwards, or on failure) and the rename is retried with the backoff above. On failure
 * the destination keeps its bytes and its mode.
 */
export async function replaceFile(
  temporary: string,
  destination: string,
  existingMode: number | undefined,
  options: ReplaceOptions = {},
): Promise<void> {
  const fs: ReplaceFileSystem = { ...defaultFileSystem, ...options.fs };
  if ((options.platform ?? process.platform) !== 'win32') {
    await fs.rename(temporary, destination);
    return;
  }
  // Node maps the owner write bit to the read-only attribute on Windows.
  const readOnly = existingMode !== undefined && (existingMode & 0o200) === 0;
  if (readOnly) await fs.chmod(destination, (existingMode & 0o777) | 0o200);
  try {
    await renameWithRetries(temporary, destination, fs);
  } catch (error) {
    if (readOnly) await fs.chmod(destination, existingMode & 0o777).catch(() => undefined);
    throw error;
  }
  // The renamed file carries the original's mode already (set on the temporary); this keeps the
  // attribute even where the rename did not carry it over.
  if (readOnly) await fs.chmod(destination, existingMode & 0o777);
}

async function renameWithRetries(
  temporary: string,
  destination: string,
  fs: ReplaceFileSystem,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.rename(temporary, destination);
      return;
    } catch (error) {
      const delay = WINDOWS_RENAME_BACKOFF_MS[attempt];
      const code = (error as NodeJS.ErrnoException).code;
      if (delay === undefined || code === undefined || !TRANSIENT_WINDOWS_CODES.has(code)) {
        throw error;
      }
      await fs.sleep(delay);
    }
  }
}
