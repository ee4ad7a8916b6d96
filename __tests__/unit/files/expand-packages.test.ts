import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expandPackages, type PackageExpansion } from '../../../src/files/expand-packages.js';
import { parseGlobArgument } from '../../../src/files/path-pattern.js';
import { RandomAccessFile } from '../../../src/package/random-access-file.js';

/**
 * FILE|DIR|GLOB expansion on file-system shapes built here (issue 11, findings 3 and 4): links to
 * packages are followed, loops end, dot-directories and node_modules are searched, nothing that
 * looks like a package is dropped, wide trees do not break it, and it says what it looked at.
 */
let root = '';
/** In memory where there is a tmpfs: creating 150,000 files on a busy shared disk takes minutes. */
const TEMP = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

beforeEach(() => {
  root = mkdtempSync(join(TEMP, 'nupkg-expand-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function file(relativePath: string, data = 'PK'): string {
  const path = join(root, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return path;
}

function link(relativePath: string, target: string): void {
  const path = join(root, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

function expand(...args: string[]): Promise<PackageExpansion> {
  return expandPackages(args, { cwd: root });
}

describe('expandPackages', () => {
  describe('a tampered package symlinked next to a valid one', () => {
    beforeEach(() => {
      file('pkgs/a-valid.nupkg');
      file('elsewhere/tampered.bin');
      link('pkgs/b-tampered.nupkg', '../elsewhere/tampered.bin');
    });

    it.each([['pkgs'], ['pkgs/*.nupkg'], ['**/*.nupkg']])(
      'lists the link as a package for %s',
      async (arg) => {
        const subject = await expand(arg);
        expect(subject.files).toEqual(['pkgs/a-valid.nupkg', 'pkgs/b-tampered.nupkg']);
        expect(subject.summary.symlinksFollowed).toBe(1);
        expect(subject.summary.matched).toBe(2);
      },
    );
  });

  it('searches dot-directories and node_modules below the named directory', async () => {
    file('out/.hidden/A.nupkg');
    file('out/node_modules/x/B.NUPKG');
    file('out/.git/objects/readme.txt');
    const subject = await expand('out');
    expect(subject.files).toEqual(['out/.hidden/A.nupkg', 'out/node_modules/x/B.NUPKG']);
    expect(subject.summary.filesConsidered).toBe(3);
  });

  it('matches dot-files and dot-directories with * and **', async () => {
    file('.build/.Pkg.nupkg');
    expect((await expand('**/*.nupkg')).files).toEqual(['.build/.Pkg.nupkg']);
  });

  it('ends a directory link to an ancestor, lists each package once, and counts it', async () => {
    file('tree/sub/P.nupkg');
    link('tree/sub/up', '..');
    link('tree/sub/self', '.');
    for (const arg of ['tree', 'tree/**/*.nupkg']) {
      const subject = await expand(arg);
      expect(subject.files).toEqual(['tree/sub/P.nupkg']);
      expect(subject.summary.directoriesReachedAgain).toBeGreaterThanOrEqual(2);
    }
  });

  it('does not explode on a ladder of links to links (each directory searched once)', async () => {
    // 40 levels, each with two links to the next: 2^40 paths, 41 directories.
    for (let level = 0; level < 40; level++) {
      mkdirSync(join(root, `l${level}`), { recursive: true });
      link(`l${level}/a`, `../l${level + 1}`);
      link(`l${level}/b`, `../l${level + 1}`);
    }
    file('l40/Deep.nupkg');
    const started = performance.now();
    const subject = await expand('l0');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(subject.files).toHaveLength(1);
    expect(subject.files[0]).toMatch(/^l0\/a\/a\/.*Deep\.nupkg$/);
    expect(subject.summary.directoriesReachedAgain).toBe(40);
  });

  it('lists a dangling link that matches, so that opening it reports NUPKG002', async () => {
    file('d/Ok.nupkg');
    link('d/Gone.nupkg', 'nowhere.nupkg');
    link('d/gone.txt', 'nowhere.txt');
    const subject = await expand('d');
    expect(subject.files).toEqual(['d/Gone.nupkg', 'd/Ok.nupkg']);
    expect(subject.summary.filesConsidered).toBe(3);
    await expect(RandomAccessFile.open(join(root, 'd/Gone.nupkg'))).rejects.toMatchObject({
      code: 'NUPKG002',
      message: expect.stringContaining("a symbolic link to 'nowhere.nupkg'"),
    });
  });

  it('lists a FIFO named like a package without opening it; opening it is NUPKG002 at once', async () => {
    mkdirSync(join(root, 'f'));
    execFileSync('mkfifo', [join(root, 'f/Pipe.nupkg')]);
    const started = performance.now();
    const subject = await expand('f');
    expect(subject.files).toEqual(['f/Pipe.nupkg']);
    await expect(RandomAccessFile.open(join(root, 'f/Pipe.nupkg'))).rejects.toMatchObject({
      code: 'NUPKG002',
      message: expect.stringContaining('not a regular file'),
    });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('treats a directory named as a package as a package (NUPKG002 when opened)', async () => {
    mkdirSync(join(root, 'Dir.nupkg'));
    expect((await expand('Dir.nupkg')).files).toEqual(['Dir.nupkg']);
    expect((await expand('*.nupkg')).files).toEqual(['Dir.nupkg']);
    await expect(RandomAccessFile.open(join(root, 'Dir.nupkg'))).rejects.toMatchObject({
      code: 'NUPKG002',
      message: expect.stringContaining('is a directory'),
    });
  });

  describe('lists each real file once', () => {
    it('when a file is named and also matched by a glob', async () => {
      file('artifacts/Foo.nupkg');
      file('artifacts/Bar.nupkg');
      const subject = await expand('artifacts/Foo.nupkg', 'artifacts/*.nupkg', './artifacts');
      expect(subject.files).toEqual(['artifacts/Bar.nupkg', 'artifacts/Foo.nupkg']);
      expect(subject.summary).toMatchObject({ matched: 5, duplicatePaths: 3 });
    });

    it('under its direct path when a link to it is also matched', async () => {
      file('p/Real.nupkg');
      link('p/Alias.nupkg', 'Real.nupkg');
      const subject = await expand('p');
      expect(subject.files).toEqual(['p/Real.nupkg']);
      expect(subject.summary.duplicatePaths).toBe(1);
    });

    it('but keeps two links whose targets differ', async () => {
      file('t/one.bin');
      file('t/two.bin');
      link('p/A.nupkg', '../t/one.bin');
      link('p/B.nupkg', '../t/two.bin');
      expect((await expand('p')).files).toEqual(['p/A.nupkg', 'p/B.nupkg']);
    });
  });

  describe('an argument that selects nothing', () => {
    it('says an existing directory has no package (NUPKG003)', async () => {
      file('empty/readme.txt');
      await expect(expand('empty')).rejects.toMatchObject({
        code: 'NUPKG003',
        message: expect.stringMatching(/directory 'empty' has no package.*1 file considered/),
      });
    });

    it('says a missing path does not exist (NUPKG003)', async () => {
      await expect(expand('missing.nupkg')).rejects.toMatchObject({
        code: 'NUPKG003',
        message: "No such file or directory: 'missing.nupkg'.",
      });
    });

    it('is skipped when allowed (the action’s allow-no-packages)', async () => {
      file('x/P.nupkg');
      const subject = await expandPackages(['nothing/**/*.nupkg', 'x'], {
        cwd: root,
        allowNoMatch: true,
      });
      expect(subject.files).toEqual(['x/P.nupkg']);
    });
  });

  describe('absolute patterns', () => {
    it('start at the root, not the working directory', () => {
      expect(parseGlobArgument('/**/*.nupkg', '/work').base).toBe('/');
      expect(parseGlobArgument('//**/*.nupkg', '/work').base).toBe('/');
      expect(parseGlobArgument('*.nupkg', '/work').base).toBe('/work');
      expect(parseGlobArgument('a//b/*.nupkg', '/work').base).toBe('/work/a/b');
    });

    it.each([['%s/**/x.nupkg'], ['/%s/**/x.nupkg'], ['%s//deep//**//x.nupkg']])(
      'find packages below an absolute path and show them absolute (%s)',
      async (form) => {
        file('deep/a/x.nupkg');
        file('deep/x.nupkg');
        file('deep/a/y.nupkg');
        const subject = await expandPackages([form.replace('%s', root)], { cwd: '/' });
        expect(subject.files).toEqual([join(root, 'deep/a/x.nupkg'), join(root, 'deep/x.nupkg')]);
      },
    );
  });

  it('expands a folder of 150,000 files in bounded time and memory', async () => {
    const wide = join(root, 'wide');
    mkdirSync(wide);
    for (let i = 0; i < 150_000; i++) writeFileSync(join(wide, `f${i}.txt`), '');
    file('wide/Pkg.nupkg');
    const baseline = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.heapUsed + now.external - baseline.heapUsed - baseline.external);
    }, 20);
    const started = performance.now();
    try {
      for (const arg of ['.', 'wide/*.nupkg', '**/*.nupkg']) {
        const subject = await expand(arg);
        expect(subject.files).toEqual(['wide/Pkg.nupkg']);
        expect(subject.summary.filesConsidered).toBe(150_001);
      }
    } finally {
      clearInterval(sampler);
    }
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(peak).toBeLessThan(200 * 1024 * 1024);
  }, 180_000);
});
