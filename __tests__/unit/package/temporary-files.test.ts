import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleTemporaries, temporaryNameFor } from '../../../src/package/temporary-files.js';

/** Stale temporary files of killed signers: which are removed, and everything that is kept. */
let directory: string;
let owner: string;
/** The PID of a process that has exited (and been reaped) on this machine. */
let deadPid: number;

beforeAll(async () => {
  const name = await temporaryNameFor('x.nupkg');
  owner = /\.([0-9a-f]{8})-\d+-[0-9a-f]{12}\.tmp$/.exec(name)?.[1] ?? '';
  const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  deadPid = Number(exited.stdout.toString());
});

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'temporary-files-test-'));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function ours(pid: number, packageName = 'A.1.0.0.nupkg', tag = owner): string {
  return `.nupkg-signing.${packageName}.${tag}-${pid}-0123456789ab.tmp`;
}

function put(name: string, data = 'partial package'): string {
  const path = join(directory, name);
  writeFileSync(path, data);
  return path;
}

describe('#temporaryNameFor', () => {
  it('names the package, this machine, this process and a random part, and ends in .tmp', async () => {
    const first = await temporaryNameFor('My.Package.1.0.0.nupkg');
    const second = await temporaryNameFor('My.Package.1.0.0.nupkg');
    expect(first).toMatch(
      new RegExp(
        `^\\.nupkg-signing\\.My\\.Package\\.1\\.0\\.0\\.nupkg\\.${owner}-${process.pid}-[0-9a-f]{12}\\.tmp$`,
      ),
    );
    expect(first).not.toBe(second);
  });

  it('stays within 255 bytes for the longest file name, without splitting a character', async () => {
    const name = await temporaryNameFor(`${'é'.repeat(120)}.nupkg`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name).not.toContain('\uFFFD');
    expect(name).toMatch(/^\.nupkg-signing\.é+\.[0-9a-f]{8}-\d+-[0-9a-f]{12}\.tmp$/);
  });
});

describe('#removeStaleTemporaries', () => {
  describe('when the writer of a temporary file of this machine is gone', () => {
    it('removes it and returns its path', async () => {
      const stale = put(ours(deadPid));
      const removed = await removeStaleTemporaries(directory);
      expect(removed).toEqual([stale]);
      expect(readdirSync(directory)).toEqual([]);
    });
  });

  describe('when the writer is alive', () => {
    it('keeps a temporary file of this process', async () => {
      const mine = put(await temporaryNameFor('A.1.0.0.nupkg'));
      expect(await removeStaleTemporaries(directory)).toEqual([]);
      expect(existsSync(mine)).toBe(true);
    });

    it('keeps a temporary file of another running process', async () => {
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
      try {
        const pid = child.pid ?? 0;
        const live = put(ours(pid));
        expect(await removeStaleTemporaries(directory)).toEqual([]);
        expect(existsSync(live)).toBe(true);
      } finally {
        child.kill('SIGKILL');
      }
    });
  });

  describe('when the file is not ours to judge or not of our naming', () => {
    it.each([
      [
        'another machine or container (other owner tag)',
        () => ours(deadPid, 'A.nupkg', 'ffffffff'),
      ],
      [
        'the naming of earlier versions (no owner, no PID)',
        () => '.A.1.0.0.nupkg.0123456789ab.tmp',
      ],
      ['no leading dot', () => ours(deadPid).slice(1)],
      ['something after .tmp', () => `${ours(deadPid)}.bak`],
      ['an upper-case random part', () => ours(deadPid).replace('0123456789ab', '0123456789AB')],
      ['PID 0', () => ours(0)],
      ['a package', () => 'A.1.0.0.nupkg'],
    ])('keeps a file with %s', async (_situation, name) => {
      const path = put(name());
      expect(await removeStaleTemporaries(directory)).toEqual([]);
      expect(existsSync(path)).toBe(true);
    });

    it('keeps a symlink and a directory of our naming, and the symlink target', async () => {
      const target = put('target.nupkg', 'not to be touched');
      const link = join(directory, ours(deadPid, 'Link.nupkg'));
      symlinkSync(target, link);
      mkdirSync(join(directory, ours(deadPid, 'Dir.nupkg')));
      expect(await removeStaleTemporaries(directory)).toEqual([]);
      expect(readdirSync(directory).sort()).toEqual(
        [ours(deadPid, 'Dir.nupkg'), ours(deadPid, 'Link.nupkg'), 'target.nupkg'].sort(),
      );
    });
  });

  describe('in a folder of 20,000 files', () => {
    it('removes exactly the stale ones in bounded time', async () => {
      for (let i = 0; i < 20_000; i++) put(`P${i}.nupkg`, '');
      const stale = [put(ours(deadPid, 'S1.nupkg')), put(ours(deadPid, 'S2.nupkg'))];
      const started = performance.now();
      const removed = await removeStaleTemporaries(directory);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(removed.sort()).toEqual(stale.sort());
      expect(readdirSync(directory)).toHaveLength(20_000);
    });
  });

  describe('when the folder does not exist', () => {
    it('removes nothing and does not throw', async () => {
      expect(await removeStaleTemporaries(join(directory, 'missing'))).toEqual([]);
    });
  });
});
