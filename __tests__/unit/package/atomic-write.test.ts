import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NupkgSigningError } from '../../../src/errors.js';
import { writeDirectoryOf, writeFileAtomically } from '../../../src/package/atomic-write.js';

/** Atomic replacement through symlinks, with the original's mode, and refusals that touch nothing. */
let root: string;
let packages: string;
let elsewhere: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'atomic-write-test-'));
  packages = join(root, 'packages');
  elsewhere = join(root, 'elsewhere');
  mkdirSync(packages);
  mkdirSync(elsewhere);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(path: string, data: string): string {
  writeFileSync(path, data);
  return path;
}

async function replaceWith(destination: string, data: string): Promise<string> {
  let seen = '';
  await writeFileAtomically(destination, async (temporary) => {
    seen = temporary.path;
    await temporary.handle.writeFile(data);
  });
  return seen;
}

function expectRefusal(promise: Promise<unknown>, message: RegExp): Promise<void> {
  return expect(promise).rejects.toMatchObject({
    constructor: NupkgSigningError,
    code: 'NUPKG002',
    message: expect.stringMatching(message),
  });
}

describe('#writeFileAtomically', () => {
  describe('when the destination is a symlink to a package in another folder', () => {
    it('replaces the target, writes the temporary file beside it, and keeps the link a link', async () => {
      const target = write(join(elsewhere, 'real.nupkg'), 'old');
      const link = join(packages, 'link.nupkg');
      symlinkSync(target, link);

      const temporary = await replaceWith(link, 'new');

      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(target);
      expect(readFileSync(target, 'utf8')).toBe('new');
      expect(dirname(temporary)).toBe(elsewhere);
      expect(readdirSync(elsewhere)).toEqual(['real.nupkg']);
      expect(readdirSync(packages)).toEqual(['link.nupkg']);
      expect(await writeDirectoryOf(link)).toBe(elsewhere);
    });

    it('follows a chain of relative links', async () => {
      const target = write(join(elsewhere, 'real.nupkg'), 'old');
      symlinkSync('../elsewhere/real.nupkg', join(packages, 'first.nupkg'));
      symlinkSync('first.nupkg', join(packages, 'second.nupkg'));
      await replaceWith(join(packages, 'second.nupkg'), 'new');
      expect(readFileSync(target, 'utf8')).toBe('new');
      expect(readlinkSync(join(packages, 'second.nupkg'))).toBe('first.nupkg');
    });

    it('leaves the target byte-identical and no temporary file when producing fails', async () => {
      const target = write(join(elsewhere, 'real.nupkg'), 'original bytes');
      const link = join(packages, 'link.nupkg');
      symlinkSync(target, link);
      await expectRefusal(
        writeFileAtomically(link, async (temporary) => {
          await temporary.handle.writeFile('partial');
          throw new Error('disk full');
        }),
        /disk full/,
      );
      expect(readFileSync(target, 'utf8')).toBe('original bytes');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readdirSync(elsewhere)).toEqual(['real.nupkg']);
    });
  });

  describe('when the destination folder is a symlink', () => {
    it('creates the new file in the real folder', async () => {
      const linkedFolder = join(root, 'out');
      symlinkSync(elsewhere, linkedFolder);
      await replaceWith(join(linkedFolder, 'new.nupkg'), 'new');
      expect(readFileSync(join(elsewhere, 'new.nupkg'), 'utf8')).toBe('new');
      expect(lstatSync(linkedFolder).isSymbolicLink()).toBe(true);
    });
  });

  describe('when the destination cannot be written through', () => {
    it('refuses a symlink to a missing file and creates nothing', async () => {
      const link = join(packages, 'dangling.nupkg');
      symlinkSync(join(elsewhere, 'missing.nupkg'), link);
      await expectRefusal(replaceWith(link, 'new'), /symbolic link to a file that does not exist/);
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(readdirSync(packages)).toEqual(['dangling.nupkg']);
    });

    it('refuses a symlink loop', async () => {
      symlinkSync('b.nupkg', join(packages, 'a.nupkg'));
      symlinkSync('a.nupkg', join(packages, 'b.nupkg'));
      await expectRefusal(replaceWith(join(packages, 'a.nupkg'), 'new'), /ELOOP|symbolic links/);
      expect(readdirSync(packages).sort()).toEqual(['a.nupkg', 'b.nupkg']);
    });

    it('refuses a directory, also behind a symlink', async () => {
      symlinkSync(elsewhere, join(packages, 'folder.nupkg'));
      await expectRefusal(
        replaceWith(join(packages, 'folder.nupkg'), 'new'),
        /its target .* is not a regular file/,
      );
      await expectRefusal(replaceWith(elsewhere, 'new'), /it is not a regular file/);
      expect(readdirSync(elsewhere)).toEqual([]);
    });
  });

  describe('when the original has its own permissions', () => {
    it.each([0o600, 0o640, 0o755])(
      'creates the temporary file exclusively and keeps mode %o',
      async (mode) => {
        const path = write(join(packages, 'a.nupkg'), 'old');
        chmodSync(path, mode);
        let temporaryMode = 0;
        await writeFileAtomically(path, async (temporary) => {
          temporaryMode = (await temporary.handle.stat()).mode & 0o777;
          await temporary.handle.writeFile('new');
        });
        // Never more open than the original while it is written (umask may only take bits away).
        expect(temporaryMode & ~mode).toBe(0);
        expect(statSync(path).mode & 0o777).toBe(mode);
        expect(readFileSync(path, 'utf8')).toBe('new');
      },
    );
  });
});
