import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runVerification } from '../../src/run/verify-run.js';
import { DOTNET_ENV, describeWithDotnet, haveDotnet } from '../helpers/dotnet-shadow-sdk.js';
import { useTempDir } from '../helpers/temp-files.js';
import { expectConsistentVerdict } from '../helpers/verdict-consistency.js';

/**
 * Differential test of nuget.config discovery (issue 13): `dotnet nuget verify --all` without
 * --configfile, run in a temporary working directory below a hierarchy of nuget.config files,
 * with an isolated home (HOME, DOTNET_CLI_HOME unset: the dotnet CLI would use it instead) and an
 * isolated machine-wide folder (NUGET_COMMON_APPLICATION_DATA), against ours discovering the same
 * files. Same verdicts and error/warning codes for every package of every tree.
 */
if (!haveDotnet) console.warn('Skipping the nuget.config discovery differential: no `dotnet`.');

const MICROSOFT = '3F9001EA83C560D712C24CF213C3D312CB3BFF51EE89435D3430BD06B5D0EECE';
const OTHER = 'AB'.repeat(32);
const PACKAGES = {
  // Author (Microsoft) + nuget.org repository countersignature.
  buffers: resolve('fixtures/packages/system.buffers.4.5.1.nupkg'),
  // nuget.org repository primary signature.
  k4os: resolve('fixtures/packages/k4os.hash.xxhash.1.0.6.nupkg'),
  unsigned: resolve('fixtures/packages/testunsigned.1.0.0.nupkg'),
};

interface Verdict {
  readonly valid: boolean;
  readonly errors: string[];
  readonly warnings: string[];
}

const author = (name: string, fingerprint: string) =>
  `<author name="${name}"><certificate fingerprint="${fingerprint}" hashAlgorithm="SHA256" allowUntrustedRoot="false" /></author>`;
const signers = (...items: string[]) => `<trustedSigners>${items.join('')}</trustedSigners>`;
const REQUIRE = '<config><add key="signatureValidationMode" value="require" /></config>';
const file = (...sections: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<configuration>${sections.join('')}</configuration>\n`;

/** Per tree: files relative to the tree (home/ and etc/ are the user-wide and machine-wide roots). */
const TREES: Record<string, { files: Record<string, string>; read: string[] }> = {
  'closest-wins': {
    files: {
      'nuget.config': file(signers(author('ms', OTHER))),
      'w/a/nuget.config': file(signers(author('ms', MICROSOFT))),
    },
    read: ['w/a/nuget.config', 'nuget.config'],
  },
  'closer-clear': {
    files: {
      'nuget.config': file(signers(author('ms', MICROSOFT))),
      'w/a/NuGet.config': file(signers('<clear />', author('other', OTHER))),
    },
    read: ['w/a/NuGet.config', 'nuget.config'],
  },
  'user-wide-and-require': {
    files: {
      'home/.nuget/NuGet/NuGet.Config': file(signers(author('ms', MICROSOFT))),
      'w/NuGet.Config': file(REQUIRE),
    },
    read: ['w/NuGet.Config', 'home/.nuget/NuGet/NuGet.Config'],
  },
  'machine-wide': {
    files: { 'etc/NuGet/Config/company.config': file(signers(author('other', OTHER))) },
    read: ['etc/NuGet/Config/company.config'],
  },
  'other-spellings-ignored': {
    files: {
      'w/a/NUGET.CONFIG': file(signers(author('other', OTHER))),
      'w/nuget.config': file(REQUIRE),
    },
    read: ['w/nuget.config'],
  },
};

const temp = useTempDir();
const dotnetVerdicts = new Map<string, Record<string, Verdict>>();
const ourVerdicts = new Map<string, Record<string, Verdict>>();
const ourFiles = new Map<string, readonly string[]>();

function environmentFor(tree: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...DOTNET_ENV,
    HOME: temp.path(`${tree}/home`),
    NUGET_COMMON_APPLICATION_DATA: temp.path(`${tree}/etc`),
    NUGET_CERT_REVOCATION_MODE: 'offline',
  };
  delete env.DOTNET_CLI_HOME;
  return env;
}

beforeAll(async () => {
  if (!haveDotnet) return;
  for (const [tree, { files }] of Object.entries(TREES)) {
    mkdirSync(temp.path(`${tree}/w/a`), { recursive: true });
    mkdirSync(temp.path(`${tree}/home`), { recursive: true });
    for (const [relative, text] of Object.entries(files)) {
      const path = temp.path(`${tree}/${relative}`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    const cwd = temp.path(`${tree}/w/a`);
    const env = environmentFor(tree);
    // Ours first: dotnet creates a user-wide NuGet.Config (package sources only) when absent.
    const { results, nugetConfigFiles } = await runVerification({
      packages: Object.values(PACKAGES),
      nugetConfigDiscovery: { workingDirectory: cwd, environment: env },
      trustedRoots: ['default'],
      certificateFingerprints: [],
      now: new Date(),
      revocation: { mode: 'offline' },
    });
    ourFiles.set(tree, nugetConfigFiles ?? []);
    const mine: Record<string, Verdict> = {};
    for (const [id, path] of Object.entries(PACKAGES)) {
      const result = results.find((r) => resolve(r.file) === path);
      if (!result) continue;
      expectConsistentVerdict(result);
      const codes = (level: string) =>
        [...new Set(result.issues.filter((i) => i.level === level).map((i) => i.code))].sort();
      mine[id] = { valid: result.valid, errors: codes('error'), warnings: codes('warning') };
    }
    ourVerdicts.set(tree, mine);

    const run = spawnSync(
      'dotnet',
      ['nuget', 'verify', '--all', '-v', 'n', ...Object.values(PACKAGES)],
      { cwd, env, encoding: 'utf8', timeout: 120_000 },
    );
    dotnetVerdicts.set(tree, verdictsOf(`${run.stdout}\n${run.stderr}`));
  }
}, 600_000);

/** dotnet's output: one block per package, from its `Verifying` line. */
function verdictsOf(output: string): Record<string, Verdict> {
  const blocks = output.split(/^(?=Verifying [^ ]+$)/m);
  const verdicts: Record<string, Verdict> = {};
  for (const [id, path] of Object.entries(PACKAGES)) {
    const block = blocks.find((b) => b.split('\n').some((line) => line.trim() === path));
    if (!block || !/^(Successfully verified|Package signature validation failed)/m.test(block))
      continue;
    const codes = (pattern: RegExp) =>
      [...new Set([...block.matchAll(pattern)].map((m) => m[1] as string))].sort();
    verdicts[id] = {
      valid: /^Successfully verified package/m.test(block),
      errors: codes(/^error: (NU\d{4})/gm),
      warnings: codes(/^warn : (NU\d{4})/gm),
    };
  }
  return verdicts;
}

describeWithDotnet(
  'nuget.config discovery: ours and dotnet nuget verify --all without --configfile',
  () => {
    it('reads the files NuGet reads, closest first', () => {
      for (const [tree, { read }] of Object.entries(TREES)) {
        expect({ tree, files: ourFiles.get(tree) }).toEqual({
          tree,
          files: read.map((relative) => join(temp.path(tree), relative)),
        });
      }
    });

    it('gives the same verdicts and codes as dotnet for every package of every tree', () => {
      let compared = 0;
      for (const tree of Object.keys(TREES)) {
        const dotnet = dotnetVerdicts.get(tree);
        expect(Object.keys(dotnet ?? {}).sort()).toEqual(Object.keys(PACKAGES).sort());
        expect({ tree, verdicts: ourVerdicts.get(tree) }).toEqual({ tree, verdicts: dotnet });
        compared += Object.keys(dotnet ?? {}).length;
      }
      console.log(`nuget.config discovery: ${compared} verdicts compared with dotnet`);
    });

    it('a broken file in the hierarchy stops both runs (dotnet: not valid XML; ours: NUPKG005)', async () => {
      const tree = 'broken';
      const cwd = temp.path(`${tree}/w/a`);
      mkdirSync(cwd, { recursive: true });
      mkdirSync(temp.path(`${tree}/home`), { recursive: true });
      const broken = temp.path(`${tree}/nuget.config`);
      writeFileSync(broken, '<configuration><trustedSigners><author name="A">\n');
      const env = environmentFor(tree);
      const run = spawnSync('dotnet', ['nuget', 'verify', '--all', PACKAGES.unsigned], {
        cwd,
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      const output = `${run.stdout}\n${run.stderr}`;
      expect(output).toContain(`NuGet.Config is not valid XML. Path: '${broken}'`);
      expect(output).not.toMatch(/Successfully verified|NU3004/);
      await expect(
        runVerification({
          packages: [PACKAGES.unsigned],
          nugetConfigDiscovery: { workingDirectory: cwd, environment: env },
          trustedRoots: ['default'],
          certificateFingerprints: [],
          now: new Date(),
          revocation: { mode: 'offline' },
        }),
      ).rejects.toMatchObject({ code: 'NUPKG005', message: expect.stringContaining(broken) });
    });

    it('the trees decide: a closer item wins, a closer <clear /> and the machine-wide file refuse', () => {
      expect(dotnetVerdicts.get('closest-wins')?.buffers).toMatchObject({ valid: true });
      expect(dotnetVerdicts.get('closer-clear')?.buffers).toMatchObject({ errors: ['NU3034'] });
      expect(dotnetVerdicts.get('user-wide-and-require')?.k4os).toMatchObject({
        errors: ['NU3034'],
      });
      expect(dotnetVerdicts.get('machine-wide')?.buffers).toMatchObject({ errors: ['NU3034'] });
    });
  },
);
