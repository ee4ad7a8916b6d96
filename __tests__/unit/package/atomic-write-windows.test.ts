import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { chmod, rename, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically } from '../../../src/package/atomic-write.js';
import {
  WINDOWS_RENAME_BACKOFF_MS,
  type ReplaceFileSystem,
} from '../../../src/package/replace-file.js';

/**
 * The rename at the end of an atomic write, as Windows behaves: another process (antivirus, the
 * search indexer) holds the new file for a moment, and a read-only file cannot be renamed over.
 * The platform and the file-system calls are injected, so this runs on any OS.
 */
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'atomic-write-windows-test-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: operation not permitted, rename`), { code });
}

interface SimulatedWindows {
  readonly fs: Partial<ReplaceFileSystem>;
  readonly attempts: () => number;
  readonly waited: number[];
}

/**
 * `failures` renames fail with `code` before one succeeds (Infinity: never). Like MoveFileEx, a
 * rename over a destination without the owner write bit (the read-only attribute) fails with EPERM.
 */
function simulatedWindows(code: string, failures: number): SimulatedWindows {
  let attempts = 0;
  const waited: number[] = [];
  return {
    attempts: () => attempts,
    waited,
    fs: {
      rename: async (from, to) => {
        attempts++;
        const existing = await stat(to).catch(() => undefined);
        if (existing && (existing.mode & 0o200) === 0) throw errno('EPERM');
        if (attempts <= failures) throw errno(code);
        await rename(from, to);
      },
      chmod,
      sleep: async (milliseconds) => {
        waited.push(milliseconds);
      },
    },
  };
}

async function replace(
  path: string,
  data: string,
  platform: NodeJS.Platform,
  fs: Partial<ReplaceFileSystem>,
) {
  await writeFileAtomically(path, (temporary) => temporary.handle.writeFile(data), {
    platform,
    fs,
  });
}

const totalBackoff = WINDOWS_RENAME_BACKOFF_MS.reduce((sum, ms) => sum + ms, 0);

describe('#writeFileAtomically on Windows', () => {
  it('bounds the whole retry backoff to about two seconds', () => {
    expect(totalBackoff).toBeGreaterThanOrEqual(1000);
    expect(totalBackoff).toBeLessThanOrEqual(2500);
  });

  it.each(['EPERM', 'EBUSY', 'EACCES'])(
    'when the new file is held briefly (%s three times), retries and replaces the package',
    async (code) => {
      const path = join(root, 'a.nupkg');
      writeFileSync(path, 'old');
      const windows = simulatedWindows(code, 3);

      await replace(path, 'new', 'win32', windows.fs);

      expect(readFileSync(path, 'utf8')).toBe('new');
      expect(windows.attempts()).toBe(4);
      expect(windows.waited).toEqual(WINDOWS_RENAME_BACKOFF_MS.slice(0, 3));
      expect(readdirSync(root)).toEqual(['a.nupkg']);
    },
  );

  it('when the file stays held, gives up after the bounded backoff with NUPKG002 and leaves the original byte-identical', async () => {
    const path = join(root, 'a.nupkg');
    const original = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x0d, 0x0a]);
    writeFileSync(path, original);
    const windows = simulatedWindows('EBUSY', Infinity);

    await expect(replace(path, 'new', 'win32', windows.fs)).rejects.toMatchObject({
      code: 'NUPKG002',
      message: expect.stringContaining('EBUSY'),
    });

    expect(readFileSync(path).equals(original)).toBe(true);
    expect(windows.attempts()).toBe(WINDOWS_RENAME_BACKOFF_MS.length + 1);
    expect(windows.waited.reduce((sum, ms) => sum + ms, 0)).toBe(totalBackoff);
    expect(readdirSync(root)).toEqual(['a.nupkg']);
  });

  it('does not retry an error that is not a sharing or access error (ENOSPC)', async () => {
    const path = join(root, 'a.nupkg');
    writeFileSync(path, 'old');
    const windows = simulatedWindows('ENOSPC', Infinity);

    await expect(replace(path, 'new', 'win32', windows.fs)).rejects.toMatchObject({
      code: 'NUPKG002',
    });

    expect(windows.attempts()).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('old');
  });

  it('with a read-only destination, clears the attribute, replaces it and makes the new file read-only again', async () => {
    const path = join(root, 'a.nupkg');
    writeFileSync(path, 'old');
    chmodSync(path, 0o444);
    const windows = simulatedWindows('EBUSY', 1);

    await replace(path, 'new', 'win32', windows.fs);

    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o444);
    expect(readdirSync(root)).toEqual(['a.nupkg']);
  });

  it('with a read-only destination that stays held, restores the read-only mode and the bytes', async () => {
    const path = join(root, 'a.nupkg');
    writeFileSync(path, 'old');
    chmodSync(path, 0o444);
    const windows = simulatedWindows('EPERM', Infinity);

    await expect(replace(path, 'new', 'win32', windows.fs)).rejects.toMatchObject({
      code: 'NUPKG002',
    });

    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(statSync(path).mode & 0o777).toBe(0o444);
    expect(readdirSync(root)).toEqual(['a.nupkg']);
  });
});

describe('#writeFileAtomically on Linux and macOS', () => {
  it.each(['linux', 'darwin'] as const)(
    'on %s fails at the first EBUSY without waiting (a POSIX rename is not blocked by readers)',
    async (platform) => {
      const path = join(root, 'a.nupkg');
      writeFileSync(path, 'old');
      const windows = simulatedWindows('EBUSY', 1);

      await expect(replace(path, 'new', platform, windows.fs)).rejects.toMatchObject({
        code: 'NUPKG002',
      });

      expect(windows.attempts()).toBe(1);
      expect(windows.waited).toEqual([]);
      expect(readFileSync(path, 'utf8')).toBe('old');
      expect(readdirSync(root)).toEqual(['a.nupkg']);
    },
  );
});
