import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { describeWithDotnet, runDotnet } from '../helpers/dotnet-shadow-sdk.js';

/**
 * `nupkg-signing verify FILE|DIR|GLOB` through main() on file-system shapes built here (issue 11,
 * findings 3 and 4): a gate never skips a package silently, never hangs on a FIFO, survives wide
 * trees and loops, and says how many files it considered.
 */
const NOW = new Date('2026-11-25T07:30:00Z');
const VALID = 'fixtures/packages/system.buffers.4.5.1.nupkg';
/** A content byte flipped after signing: NU3008 for dotnet and for us. */
const TAMPERED = 'fixtures/tampered/system.buffers.4.5.1__ar-01-content-byte-flipped.nupkg';
const TEMP = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

let root = '';
const repoDir = process.cwd();

beforeEach(() => {
  root = mkdtempSync(join(TEMP, 'nupkg-verify-files-'));
});

afterEach(() => {
  process.chdir(repoDir);
  rmSync(root, { recursive: true, force: true });
});

function place(relativePath: string, source: string): string {
  const path = join(root, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  copyFileSync(join(repoDir, source), path);
  return path;
}

function link(relativePath: string, target: string): void {
  const path = join(root, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

async function verify(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const started = performance.now();
  const code = await main(
    // Discovery off: a nuget.config above the checkout or in the real home must not change verdicts.
    ['verify', '--no-nuget-config-discovery', '--revocation-mode', 'offline', ...args],
    { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) },
    NOW,
  );
  return { code, stdout, stderr, ms: performance.now() - started };
}

/** A valid package and, next to it, a symlink to a tampered one kept outside the folder. */
function validAndSymlinkedTampered(): void {
  place('repo/pkgs/a-valid.nupkg', VALID);
  place('outside/tampered.bin', TAMPERED);
  link('repo/pkgs/b-tampered.nupkg', '../../outside/tampered.bin');
}

describe('nupkg-signing verify FILE|DIR|GLOB', () => {
  describe('with a tampered package symlinked next to a valid one', () => {
    it.each([['pkgs'], ['pkgs/*.nupkg'], ['**/*.nupkg']])(
      'reports the link invalid (NU3008) and exits 1 for %s',
      async (arg) => {
        validAndSymlinkedTampered();
        process.chdir(join(root, 'repo'));
        const subject = await verify(arg);
        expect(subject.stderr).toBe('');
        expect(subject.code).toBe(1);
        expect(subject.stdout).toMatch(/^PASS pkgs\/a-valid\.nupkg /m);
        expect(subject.stdout).toMatch(
          /^FAIL pkgs\/b-tampered\.nupkg [^\n]*\n(?: {2}[^\n]*\n)*? {2}error NU3008/m,
        );
        expect(subject.stdout).toMatch(
          /^1 valid, 1 invalid \(2 files considered, 2 matched, 1 symbolic link followed\)$/m,
        );
      },
    );

    it('lists both in the JSON document, with what was searched', async () => {
      validAndSymlinkedTampered();
      const subject = await verify('--json', join(root, 'repo/pkgs'));
      const document = JSON.parse(subject.stdout) as {
        results: { file: string; valid: boolean }[];
        search: Record<string, number>;
      };
      expect(document.results.map((r) => [r.file, r.valid])).toEqual([
        [join(root, 'repo/pkgs/a-valid.nupkg'), true],
        [join(root, 'repo/pkgs/b-tampered.nupkg'), false],
      ]);
      expect(document.search).toMatchObject({
        filesConsidered: 2,
        matched: 2,
        symlinksFollowed: 1,
      });
    });

    describeWithDotnet('as dotnet nuget verify --all does', () => {
      it('fails the glob with NU3008 too (dotnet follows the link)', () => {
        validAndSymlinkedTampered();
        const dotnet = runDotnet(['nuget', 'verify', '--all', join(root, 'repo/pkgs/*.nupkg')]);
        expect(dotnet.status).not.toBe(0);
        expect(dotnet.codes).toEqual(['NU3008']);
      }, 120_000);
    });
  });

  it('verifies a package in a dot-directory below the named folder', async () => {
    place('out/.cache/hidden.nupkg', TAMPERED);
    place('out/visible.nupkg', VALID);
    const subject = await verify(join(root, 'out'));
    expect(subject.code).toBe(1);
    expect(subject.stdout).toContain(`FAIL ${join(root, 'out/.cache/hidden.nupkg')}`);
  });

  it('ends a symlink loop (a directory linking to its ancestor) and says so', async () => {
    place('tree/a/P.nupkg', VALID);
    link('tree/a/loop', '..');
    const subject = await verify(join(root, 'tree'));
    expect(subject.code).toBe(0);
    expect(subject.stdout).toMatch(
      /^1 valid, 0 invalid \(1 file considered, 1 matched, 1 symbolic link followed, 1 directory reached again through a link/m,
    );
  });

  it('stops at a dangling symlink that matches with NUPKG002 naming it', async () => {
    place('d/Ok.nupkg', VALID);
    link('d/Gone.nupkg', 'missing.nupkg');
    const subject = await verify(join(root, 'd'));
    expect(subject.code).toBe(2);
    expect(subject.stderr).toBe(
      `error NUPKG002: Cannot open '${join(root, 'd/Gone.nupkg')}': no such file (a symbolic link to 'missing.nupkg', which cannot be followed).\n`,
    );
  });

  it.each([
    ['a FIFO', 'Pipe.nupkg', /not a regular file/],
    ['a directory', 'Folder.nupkg', /is a directory/],
  ])('refuses %s named as a package with NUPKG002 at once', async (_, name, message) => {
    const path = join(root, name);
    if (name === 'Pipe.nupkg') execFileSync('mkfifo', [path]);
    else mkdirSync(path);
    for (const arg of [path, join(root, '*.nupkg')]) {
      const subject = await verify(arg);
      expect(subject.code).toBe(2);
      expect(subject.stderr).toMatch(/^error NUPKG002: /);
      expect(subject.stderr).toMatch(message);
      expect(subject.ms).toBeLessThan(2000);
    }
  });

  it('refuses a device named as a package (/dev/zero) with NUPKG002 at once', async () => {
    const subject = await verify('/dev/zero');
    expect(subject.code).toBe(2);
    expect(subject.stderr).toMatch(/^error NUPKG002: '\/dev\/zero' is not a regular file/);
    expect(subject.ms).toBeLessThan(2000);
  });

  it('says that an existing folder holds no package (NUPKG003)', async () => {
    mkdirSync(join(root, 'empty/.sub'), { recursive: true });
    writeFileSync(join(root, 'empty/.sub/readme.md'), '');
    const subject = await verify(join(root, 'empty'));
    expect(subject.code).toBe(2);
    expect(subject.stderr).toMatch(/^error NUPKG003: The directory '.*empty' has no package/);
  });

  it.each([['%s/**/*.nupkg'], ['/%s/**/*.nupkg']])(
    'searches below an absolute pattern, not the working directory (%s)',
    async (form) => {
      place('abs/deep/er/P.nupkg', VALID);
      const subject = await verify(form.replace('%s', root));
      expect(subject.code).toBe(0);
      expect(subject.stdout).toContain(`PASS ${join(root, 'abs/deep/er/P.nupkg')}`);
    },
  );

  it('verifies the one package in a folder of 150,000 files in bounded time', async () => {
    const wide = join(root, 'wide/files');
    mkdirSync(wide, { recursive: true });
    for (let i = 0; i < 150_000; i++) writeFileSync(join(wide, `f${i}.txt`), '');
    place('wide/files/P.nupkg', VALID);
    const subject = await verify(join(root, 'wide'));
    expect(subject.stderr).toBe('');
    expect(subject.code).toBe(0);
    expect(subject.stdout).toMatch(/^1 valid, 0 invalid \(150001 files considered, 1 matched\)$/m);
    expect(subject.ms).toBeLessThan(10_000);
  }, 180_000);
});

describe('progress of a batch', () => {
  const FILES = 30;
  async function verifyBatch(args: string[], stderrIsTerminal: boolean) {
    for (let i = 0; i < FILES; i++) place(`batch/p${i}.nupkg`, VALID);
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['verify', '--revocation-mode', 'offline', ...args, join(root, 'batch')],
      { stdout: (t) => out.push(t), stderr: (t) => err.push(t), stderrIsTerminal },
      NOW,
      {},
    );
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  it('never reaches --json output or a stderr that is not a terminal', async () => {
    const json = await verifyBatch(['--json', '--no-nuget-config-discovery'], true);
    expect(JSON.parse(json.stdout).results).toHaveLength(FILES);
    expect(json.stderr).not.toContain('packages');
    const piped = await verifyBatch(['--no-nuget-config-discovery'], false);
    expect(piped.stderr).not.toContain('\x1b[K');
  });

  it('on a terminal, is erased before the results (nothing left on the line)', async () => {
    const run = await verifyBatch(['--no-nuget-config-discovery'], true);
    expect(run.stdout).toContain(`${FILES} valid`);
    if (run.stderr.includes('Verified')) expect(run.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(run.stderr).not.toMatch(/Verified [^\r]*$/);
  });
});
