import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { temporaryNameFor } from '../../src/package/temporary-files.js';
import { getPreset } from '../../src/policy/presets.js';
import { TrustStore } from '../../src/trust/trust-store.js';
import { verifyPackage } from '../../src/verify/verify-package.js';
import { bundleNode } from '../helpers/bundle-node.js';
import { buildCliBundle, type CliBundle } from '../helpers/cli-bundle.js';
import { createTestPki, type TestPki } from '../helpers/pki.js';
import { useTempDir } from '../helpers/temp-files.js';
import { timestampAuthorityOf } from '../helpers/tsa.js';
import { startTsaServer, type TsaServer } from '../helpers/tsa-server.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';

/**
 * What `nupkg-signing sign` leaves behind when it is killed, what the next run removes, and
 * signing through symlinks. The killed signer is a real process (the CLI bundled with ncc) that
 * gets SIGKILL while it waits for the timestamp server: its package has been copied into the
 * temporary file, and the rename has not happened.
 */
const temp = useTempDir();
let pki: TestPki;
let tsa: TsaServer;
/** Holds every request for two minutes: a signer waiting on it is between copy and rename. */
let stalledTsa: TsaServer;
let bundle: CliBundle;
let key: string[];
let owner: string;
let counter = 0;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  bundle = buildCliBundle();
  pki = await createTestPki();
  const authority = timestampAuthorityOf(pki);
  tsa = await startTsaServer(authority);
  stalledTsa = await startTsaServer(authority, { mode: 'slow', delayMs: 120_000 });
  const keyPem = pki.leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
  key = [
    '--private-key',
    temp.write('leaf.key.pem', keyPem),
    '--certificate-chain',
    temp.write('chain.pem', `${pki.leaf.pem}\n${pki.intermediate.pem}\n`),
    '--trusted-roots',
    temp.write('roots.pem', `${pki.root.pem}\n${pki.tsaRoot.pem}\n`),
  ];
  owner = /\.([0-9a-f]{8})-\d+-[0-9a-f]{12}\.tmp$/.exec(await temporaryNameFor('x'))?.[1] ?? '';
}, 300_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await tsa?.close();
  await stalledTsa?.close();
  bundle?.dispose();
});

function folder(name: string): string {
  const path = temp.path(`${name}-${++counter}`);
  mkdirSync(path);
  return realpathSync(path);
}

/** A package with 4 MiB of content, so its temporary file is large. */
function writePackage(path: string, id = 'Leftovers.Package'): string {
  writeFileSync(
    path,
    buildZip({
      entries: [nuspecEntry(id, '1.0.0'), { name: 'lib/data.bin', data: randomBytes(4 << 20) }],
    }),
  );
  return path;
}

async function sign(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['sign', ...key, '--timestamper', tsa.url, ...argv],
    { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) },
    new Date(),
  );
  return { code, stdout, stderr };
}

/** Starts the CLI process signing `path` and resolves once it waits on the stalled server. */
async function signerWaitingOnTimestamp(path: string): Promise<ChildProcess> {
  const requestsBefore = stalledTsa.requests.length;
  const child = spawn(
    bundleNode(),
    [bundle.path, 'sign', ...key, '--timestamper', stalledTsa.url, path],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  children.add(child);
  child.on('exit', () => children.delete(child));
  const deadline = Date.now() + 30_000;
  while (stalledTsa.requests.length === requestsBefore) {
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(
        `the signer did not reach the timestamp server (exit ${child.exitCode}): ${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

async function killNine(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

/** A digest to compare packages by: jest's toEqual walks a 4 MiB Buffer element by element. */
function digest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function temporaries(directory: string): string[] {
  return readdirSync(directory).filter((name) => name.startsWith('.nupkg-signing.'));
}

/** A temporary-file name of this machine whose writer has exited. */
function staleName(packageName: string): string {
  const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return `.nupkg-signing.${packageName}.${owner}-${exited.stdout.toString()}-0123456789ab.tmp`;
}

async function expectSigned(path: string): Promise<void> {
  const result = await verifyPackage(path, {
    policy: getPreset('verify'),
    now: new Date(),
    trust: {
      codeSigning: TrustStore.fromCertificates([pki.root.certificate]),
      timestamping: TrustStore.fromCertificates([pki.tsaRoot.certificate]),
    },
  });
  expect(result.issues.filter((i) => i.level === 'error')).toEqual([]);
  expect(result).toMatchObject({ valid: true, signature: 'author' });
}

describe('nupkg-signing sign, leftovers of killed runs', () => {
  describe('when the signer is killed with SIGKILL before the rename', () => {
    it('leaves the package byte-identical and one temporary file, which the next run removes', async () => {
      const directory = folder('killed');
      const path = writePackage(join(directory, 'Killed.1.0.0.nupkg'));
      const original = digest(path);

      const child = await signerWaitingOnTimestamp(path);
      await killNine(child);

      const left = temporaries(directory);
      expect(left).toEqual([
        expect.stringMatching(
          new RegExp(
            `^\\.nupkg-signing\\.Killed\\.1\\.0\\.0\\.nupkg\\.${owner}-${child.pid}-[0-9a-f]{12}\\.tmp$`,
          ),
        ),
      ]);
      expect(statSync(join(directory, left[0] ?? '')).size).toBeGreaterThanOrEqual(4 << 20);
      expect(digest(path)).toBe(original);

      const started = performance.now();
      const again = await sign(path);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(
        `Removed 1 temporary file(s) left in ${directory} by an interrupted signing run.`,
      );
      expect(readdirSync(directory)).toEqual(['Killed.1.0.0.nupkg']);
      await expectSigned(path);
    });

    it('reports the removed files in --json', async () => {
      const directory = folder('json');
      const path = writePackage(join(directory, 'Json.1.0.0.nupkg'));
      await killNine(await signerWaitingOnTimestamp(path));
      const [left] = temporaries(directory);

      const again = await sign('--json', path);
      const report = JSON.parse(again.stdout) as { results: Record<string, unknown>[] };
      expect(report.results).toEqual([
        expect.objectContaining({
          signed: true,
          removedTemporaries: [join(directory, left ?? '')],
        }),
      ]);
    });
  });

  describe('when another signer is still writing in the folder', () => {
    it('keeps its temporary file, and one named after this process', async () => {
      const directory = folder('live');
      const busy = writePackage(join(directory, 'Busy.1.0.0.nupkg'));
      const other = writePackage(join(directory, 'Other.1.0.0.nupkg'), 'Other');
      const mine = await temporaryNameFor('Mine.1.0.0.nupkg');
      writeFileSync(join(directory, mine), 'this process is alive');

      const child = await signerWaitingOnTimestamp(busy);
      try {
        const [live] = temporaries(directory).filter((name) => name.includes(`-${child.pid}-`));
        expect(live).toBeDefined();

        const subject = await sign(other);
        expect(subject.code).toBe(0);
        expect(subject.stdout).not.toContain('Removed');
        expect(temporaries(directory).sort()).toEqual([live, mine].sort());
        await expectSigned(other);
      } finally {
        await killNine(child);
      }
    });
  });

  describe('when files only look like temporary files', () => {
    it('keeps them', async () => {
      const directory = folder('lookalikes');
      const path = writePackage(join(directory, 'Look.1.0.0.nupkg'));
      const lookalikes = [
        '.Look.1.0.0.nupkg.0123456789ab.tmp', // the naming of earlier versions: no owner, no PID
        '.nupkg-signing.Look.1.0.0.nupkg.tmp',
        staleName('Look.1.0.0.nupkg').replace(owner, 'ffffffff'), // another machine's
        `${staleName('Look.1.0.0.nupkg')}.keep`,
      ];
      for (const name of lookalikes) writeFileSync(join(directory, name), 'not ours to remove');

      const subject = await sign(path);
      expect(subject.code).toBe(0);
      expect(subject.stdout).not.toContain('Removed');
      expect(readdirSync(directory).sort()).toEqual([...lookalikes, 'Look.1.0.0.nupkg'].sort());
    });
  });
});

describe('nupkg-signing sign, through symlinks', () => {
  describe('when the package named is a symlink in the same folder', () => {
    it('signs the target and leaves the link a link', async () => {
      const directory = folder('same');
      const target = writePackage(join(directory, 'Real.1.0.0.nupkg'));
      const link = join(directory, 'Link.nupkg');
      symlinkSync('Real.1.0.0.nupkg', link);

      const subject = await sign(link);
      expect(subject.code).toBe(0);
      expect(subject.stdout).toContain(`${link}: signed (`);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe('Real.1.0.0.nupkg');
      expect(readdirSync(directory).sort()).toEqual(['Link.nupkg', 'Real.1.0.0.nupkg']);
      await expectSigned(target);
    });
  });

  describe('when the target is in another folder', () => {
    it('signs the target there and cleans that folder, where the temporary file goes', async () => {
      const links = folder('links');
      const packages = folder('packages');
      const target = writePackage(join(packages, 'Far.1.0.0.nupkg'));
      const link = join(links, 'Far.1.0.0.nupkg');
      symlinkSync(target, link);
      const staleThere = staleName('Far.1.0.0.nupkg');
      writeFileSync(join(packages, staleThere), 'left by a killed run');
      const staleHere = staleName('Other.nupkg');
      writeFileSync(join(links, staleHere), 'not in a folder this run writes to');

      const subject = await sign(link);
      expect(subject.code).toBe(0);
      expect(subject.stdout).toContain(
        `Removed 1 temporary file(s) left in ${packages} by an interrupted signing run.`,
      );
      expect(readdirSync(packages)).toEqual(['Far.1.0.0.nupkg']);
      expect(readdirSync(links).sort()).toEqual([staleHere, 'Far.1.0.0.nupkg'].sort());
      expect(readlinkSync(link)).toBe(target);
      await expectSigned(target);
    });
  });

  describe('when the output path given with --output is a symlink', () => {
    it('writes the signed package to its target and keeps the link', async () => {
      const source = writePackage(join(folder('source'), 'Out.1.0.0.nupkg'));
      const output = folder('output');
      const elsewhere = folder('elsewhere');
      const target = join(elsewhere, 'previous-build.nupkg');
      writeFileSync(target, 'an older copy');
      symlinkSync(target, join(output, 'Out.1.0.0.nupkg'));
      const before = digest(source);

      const subject = await sign('--output', output, source);
      expect(subject.code).toBe(0);
      expect(lstatSync(join(output, 'Out.1.0.0.nupkg')).isSymbolicLink()).toBe(true);
      expect(digest(source)).toBe(before);
      await expectSigned(target);
    });
  });

  describe('when --output names a symlink to a folder', () => {
    it('writes into the folder it points at', async () => {
      const source = writePackage(join(folder('source'), 'Folder.1.0.0.nupkg'));
      const real = folder('real-output');
      const link = join(folder('links'), 'output');
      symlinkSync(real, link);

      const subject = await sign('--output', link, source);
      expect(subject.code).toBe(0);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readdirSync(real)).toEqual(['Folder.1.0.0.nupkg']);
      await expectSigned(join(real, 'Folder.1.0.0.nupkg'));
    });
  });

  describe('when --output names a symlink to nothing or a file', () => {
    it.each([
      ['a symlink to nothing', (link: string) => symlinkSync(`${link}-missing`, link)],
      ['a file', (path: string) => writeFileSync(path, 'not a folder')],
    ])('refuses %s with one NUPKG002 line and signs nothing', async (_shape, make) => {
      const source = writePackage(join(folder('source'), 'NoFolder.1.0.0.nupkg'));
      const before = digest(source);
      const output = join(folder('links'), 'output');
      make(output);

      const subject = await sign('--output', output, source);
      expect(subject.code).toBe(2);
      expect(subject.stderr).toMatch(
        /^error NUPKG002: Cannot use '.*output' as the output folder: [^\n]*\n$/,
      );
      expect(digest(source)).toBe(before);
    });
  });

  describe('when the symlink points at nothing', () => {
    it('refuses with NUPKG002 and creates nothing', async () => {
      const source = writePackage(join(folder('source'), 'Dangling.1.0.0.nupkg'));
      const output = folder('output');
      const elsewhere = folder('elsewhere');
      symlinkSync(join(elsewhere, 'missing.nupkg'), join(output, 'Dangling.1.0.0.nupkg'));

      const subject = await sign('--output', output, source);
      expect(subject.code).toBe(2);
      expect(subject.stdout).toContain('error NUPKG002');
      expect(subject.stdout).toContain('symbolic link to a file that does not exist');
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(readdirSync(output)).toEqual(['Dangling.1.0.0.nupkg']);
    });
  });
});
