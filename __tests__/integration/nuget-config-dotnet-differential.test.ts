import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isNupkgSigningError } from '../../src/errors.js';
import { openPackageArchive } from '../../src/package/archive.js';
import { readSignatureEntry } from '../../src/package/signature-entry.js';
import { runVerification } from '../../src/run/verify-run.js';
import { parsePrimarySignature } from '../../src/signature/primary-signature.js';
import { readSignerAttributes } from '../../src/verify/checks/signature-attributes.js';
import type { Issue } from '../../src/issues.js';
import { CORPUS_DIR } from '../helpers/corpus.js';
import {
  DOTNET_ENV,
  createShadowSdk,
  describeWithDotnet,
  haveDotnet,
  runDotnet,
} from '../helpers/dotnet-shadow-sdk.js';
import { makeSignedPackage, signingPki } from '../helpers/signed-package.js';
import { useTempDir } from '../helpers/temp-files.js';
import { expectConsistentVerdict } from '../helpers/verdict-consistency.js';

/**
 * Differential test of nuget.config trust (issue 13): nuget.config variants across the mode, entry
 * kinds (author, repository, with and without owners, owners inside an author), hash algorithms
 * (SHA256/384/512, SHA1, fingerprint case), allowUntrustedRoot values and conflicts, duplicate
 * items, two sections and `<clear />`, each run with `dotnet nuget verify --all --configfile` on
 * real packages (author + nuget.org countersignature, nuget.org repository signature, unsigned)
 * and generated ones (author, author + repository countersignature, repository primary, author
 * with an untrusted TSA). dotnet runs from a shadow SDK that trusts the generated TSA root but not
 * the generated code-signing root, so allowUntrustedRoot decides for the generated signatures.
 * Ours (runVerification, as the CLI calls it) must give the same verdict and error/warning codes
 * for every package, the same run-level codes (NU3040, once), and stop where dotnet stops (SHA1).
 */
if (!haveDotnet) console.warn('Skipping the nuget.config differential: `dotnet` is not on PATH.');

interface Verdict {
  readonly valid: boolean;
  readonly errors: string[];
  readonly warnings: string[];
}

interface RunVerdicts {
  /** dotnet stopped the run with this message, or ours threw this code. */
  readonly stopped?: string;
  /** Codes logged outside any package block (dotnet) or told to onRunIssue (ours), with repeats. */
  readonly runCodes: string[];
  readonly packages: Map<string, Verdict>;
}

interface Signer {
  readonly primary?: { readonly der: Uint8Array; readonly owners?: readonly string[] };
  readonly counter?: { readonly der: Uint8Array; readonly owners?: readonly string[] };
}

const DOTNET_VERIFY_ENV = { ...DOTNET_ENV, NUGET_CERT_REVOCATION_MODE: 'offline' };
const REAL = {
  // Author (Microsoft) + nuget.org repository countersignature with owners.
  buffers: 'fixtures/packages/system.buffers.4.5.1.nupkg',
  // nuget.org repository primary signature with owners.
  k4os: 'fixtures/packages/k4os.hash.xxhash.1.0.6.nupkg',
  unsigned: 'fixtures/packages/testunsigned.1.0.0.nupkg',
  // Another author (.NET Foundation) + nuget.org countersignature.
  humanizer: join(CORPUS_DIR, 'real', 'humanizer.core.2.14.1.nupkg'),
};

const temp = useTempDir();
const packages = new Map<string, string>();
const signers = new Map<string, Signer>();
const configs = new Map<string, string>();
const dotnetRuns = new Map<string, RunVerdicts>();
const ourRuns = new Map<string, RunVerdicts>();
let tsaRootPem = '';
let dotnetSeconds = 0;

const hex = (der: Uint8Array, algorithm: string) =>
  createHash(algorithm).update(der).digest('hex').toUpperCase();

async function readSigner(path: string): Promise<Signer> {
  const archive = await openPackageArchive(path);
  try {
    if (!archive.signedByName) return {};
    const signature = parsePrimarySignature((await readSignatureEntry(archive)).bytes);
    const primary = signature.signer.findSignerCertificate(signature.certificates);
    const counterView = signature.repositoryCountersignatures[0];
    const counter = counterView?.signer.findSignerCertificate(signature.certificates);
    const owners = (signer: Parameters<typeof readSignerAttributes>[0]) =>
      readSignerAttributes(signer, undefined, 'NU3031').packageOwners;
    return {
      ...(primary ? { primary: { der: primary.der, owners: owners(signature.signer) } } : {}),
      ...(counter && counterView
        ? { counter: { der: counter.der, owners: owners(counterView.signer) } }
        : {}),
    };
  } finally {
    await archive.file.close();
  }
}

/** Everything the configs can name: a certificate in some notation. */
interface Certificate {
  readonly der: Uint8Array;
}
const cert = (c: Certificate, algorithm = 'SHA256', allowUntrustedRoot = 'false', lower = false) =>
  `<certificate fingerprint="${lower ? hex(c.der, algorithm === 'SHA1' ? 'sha1' : algorithm.toLowerCase()).toLowerCase() : hex(c.der, algorithm === 'SHA1' ? 'sha1' : algorithm.toLowerCase())}" hashAlgorithm="${algorithm}" allowUntrustedRoot="${allowUntrustedRoot}" />`;
const author = (name: string, ...certificates: string[]) =>
  `<author name="${name}">${certificates.join('')}</author>`;
const repository = (name: string, owners: string | undefined, ...certificates: string[]) =>
  `<repository name="${name}" serviceIndex="https://${name}.test/v3/index.json">${certificates.join('')}${owners === undefined ? '' : `<owners>${owners}</owners>`}</repository>`;
const file = (mode: string, ...sections: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n${mode ? `<config><add key="signatureValidationMode" value="${mode}" /></config>\n` : ''}${sections.join('\n')}\n</configuration>\n`;
const section = (...items: string[]) => `<trustedSigners>${items.join('')}</trustedSigners>`;

/** The trustedSigners variants; each is written once per mode. */
function scenarios(): Record<string, string[]> {
  const get = (id: string) => signers.get(id) as Signer;
  const microsoft = get('buffers').primary as Certificate;
  const nugetOrg = get('buffers').counter as Certificate & { owners?: readonly string[] };
  const k4os = get('k4os').primary as Certificate & { owners?: readonly string[] };
  const leaf = get('gen-author').primary as Certificate;
  const repoLeaf = get('gen-countersigned').counter as Certificate;
  const someOwner = nugetOrg.owners?.[0] ?? 'Microsoft';
  const k4osOwner = k4os.owners?.[0] ?? 'MiloszKrajewski';
  return {
    'no-trusted-signers': [],
    'author-sha256': [section(author('ms', cert(microsoft)))],
    'author-sha384': [section(author('ms', cert(microsoft, 'SHA384')))],
    'author-sha512-lowercase': [section(author('ms', cert(microsoft, 'SHA512', 'false', true)))],
    'author-algorithm-case': [section(author('ms', cert(microsoft, 'sha256')))],
    'author-owners-inside-author': [
      section(`<author name="ms">${cert(microsoft)}<owners>nobody</owners></author>`),
    ],
    'author-entry-for-repository-certificate': [section(author('nuget', cert(nugetOrg)))],
    'repository-no-owners': [section(repository('nuget', undefined, cert(nugetOrg)))],
    'repository-owner-of-buffers': [section(repository('nuget', someOwner, cert(nugetOrg)))],
    'repository-owner-of-k4os': [section(repository('nuget', ` ${k4osOwner} ;x`, cert(nugetOrg)))],
    'repository-owner-nobody': [section(repository('nuget', 'nobody', cert(nugetOrg)))],
    'repository-owner-case': [
      section(repository('nuget', someOwner.toUpperCase(), cert(nugetOrg, 'SHA384'))),
    ],
    'author-and-repository': [
      section(author('ms', cert(microsoft)), repository('nuget', 'nobody', cert(nugetOrg))),
    ],
    'generated-author-allow-root': [section(author('gen', cert(leaf, 'SHA256', 'true')))],
    'generated-author-deny-root': [section(author('gen', cert(leaf, 'SHA256', 'false')))],
    'generated-author-allow-root-lowercase': [
      section(author('gen', cert(leaf, 'SHA256', 'true', true))),
    ],
    'generated-author-allow-root-sha512': [section(author('gen', cert(leaf, 'SHA512', 'True')))],
    'generated-author-allow-root-spelling': [
      section(author('gen', cert(leaf, 'SHA256', ' TRUE '))),
    ],
    'generated-repository-allow-root': [
      section(repository('gen', undefined, cert(repoLeaf, 'SHA256', 'true'))),
    ],
    'generated-both-allow-root': [
      section(
        author('gen', cert(leaf, 'SHA256', 'true')),
        repository('gen', undefined, cert(repoLeaf, 'SHA256', 'true')),
      ),
    ],
    'generated-author-allow-repository-deny': [
      section(
        author('gen', cert(leaf, 'SHA256', 'true')),
        repository('gen', undefined, cert(repoLeaf, 'SHA256', 'false')),
      ),
    ],
    'generated-leaf-as-repository-allow-root': [
      section(repository('gen', undefined, cert(leaf, 'SHA256', 'true'))),
    ],
    'conflicting-allow-root': [
      section(
        author('gen', cert(leaf, 'SHA256', 'true')),
        repository('gen', undefined, cert(leaf, 'SHA256', 'false')),
      ),
    ],
    'conflicting-allow-root-twice': [
      section(
        author('gen', cert(leaf, 'SHA256', 'true'), cert(repoLeaf, 'SHA256', 'true')),
        repository('gen', undefined, cert(leaf, 'SHA256', 'false'), cert(repoLeaf)),
        author('ms', cert(microsoft)),
      ),
    ],
    'duplicate-author-first-wrong': [
      section(author('x', cert(nugetOrg)), author('X', cert(microsoft))),
    ],
    'duplicate-author-first-right': [
      section(author('x', cert(microsoft)), author('x', cert(nugetOrg))),
    ],
    'duplicate-repository': [
      section(
        repository('nuget', 'nobody', cert(nugetOrg)),
        repository('nuget', undefined, cert(nugetOrg)),
      ),
    ],
    'two-sections-first-wrong': [
      section(author('a', cert(nugetOrg))),
      section(author('b', cert(microsoft))),
    ],
    'two-sections-first-right': [
      section(author('a', cert(microsoft), cert(leaf, 'SHA256', 'true'))),
      section(author('b', cert(nugetOrg))),
    ],
    'clear-between': [section(author('a', cert(microsoft)), '<clear />', author('b', cert(leaf)))],
    'clear-then-duplicate': [
      section(author('a', cert(microsoft)), '<clear />', author('a', cert(microsoft))),
    ],
    'two-clears': [
      section(
        author('a', cert(microsoft)),
        '<clear />',
        author('b', cert(leaf, 'SHA256', 'true')),
        '<clear />',
        author('c', cert(nugetOrg)),
      ),
    ],
    'element-name-case': [
      section(
        `<Author name="a"><CERTIFICATE fingerprint="${hex(nugetOrg.der, 'sha256')}" hashAlgorithm="SHA256" allowUntrustedRoot="false" /></Author>`,
        '<Clear />',
        `<AUTHOR name="ms">${cert(microsoft)}</AUTHOR>`,
      ),
    ],
    'section-name-case': [
      `<TrustedSigners>${author('ms', cert(microsoft))}</TrustedSigners>`,
      section(author('a', cert(nugetOrg))),
    ],
    'unknown-elements': [
      section('<unknown a="b" />', author('ms', cert(microsoft)), '<add key="x" value="y" />'),
    ],
    'sha1-only': [section(author('ms', cert(microsoft, 'SHA1')))],
    'sha1-first': [section(author('ms', cert(microsoft, 'SHA1'), cert(microsoft)))],
  };
}

beforeAll(async () => {
  if (!haveDotnet) return;
  const pki = await signingPki();
  tsaRootPem = temp.write('tsa-root.pem', `${pki.tsaRoot.pem}\n`);
  // Trusts the generated TSA root only: the generated signing certificates chain to an untrusted root.
  const shadowDotnet = createShadowSdk(temp.path('sdk'), '', pki.tsaRoot.pem);
  const directory = temp.path('');
  // The root is embedded, so the untrusted chain ends in UntrustedRoot, which allowUntrustedRoot can excuse.
  const base = { directory, pki, embedRoot: true };
  const generated = {
    'gen-author': await makeSignedPackage({ ...base, id: 'Config.Author' }),
    'gen-countersigned': await makeSignedPackage({
      ...base,
      id: 'Config.Countersigned',
      repositoryCountersignature: true,
    }),
    'gen-repository': await makeSignedPackage({
      ...base,
      id: 'Config.Repository',
      kind: 'repository',
    }),
    'gen-tsa-untrusted': await makeSignedPackage({
      ...base,
      id: 'Config.TsaUntrusted',
      timestampAuthority: 'untrusted-root',
    }),
  };
  for (const [id, path] of Object.entries({ ...REAL, ...generated })) {
    if (!existsSync(path)) continue;
    packages.set(id, resolve(path));
    signers.set(id, await readSigner(resolve(path)));
  }

  for (const [name, sections] of Object.entries(scenarios())) {
    for (const mode of ['accept', 'require']) {
      const id = `${mode}/${name}`;
      configs.set(id, temp.write(`${mode}-${name}.config`, file(mode, ...sections)));
    }
  }

  const started = Date.now();
  const paths = [...packages.values()];
  for (const [id, config] of configs) {
    const run = runDotnet(
      ['nuget', 'verify', '--all', '-v', 'n', '--configfile', config, ...paths],
      shadowDotnet,
      DOTNET_VERIFY_ENV,
    );
    dotnetRuns.set(id, splitVerifyOutput(run.output));
  }
  dotnetSeconds = (Date.now() - started) / 1000;

  for (const [id, config] of configs) ourRuns.set(id, await ours(config));
}, 900_000);

async function ours(config: string): Promise<RunVerdicts> {
  const runCodes: string[] = [];
  try {
    const { results } = await runVerification({
      packages: [...packages.values()],
      nugetConfig: config,
      trustedRoots: ['sdk', tsaRootPem],
      certificateFingerprints: [],
      now: new Date(),
      revocation: { mode: 'offline' },
      onRunIssue: (found: Issue) => runCodes.push(found.code),
    });
    const verdicts = new Map<string, Verdict>();
    for (const [id, path] of packages) {
      const result = results.find((r) => resolve(r.file) === path);
      if (!result) continue;
      expectConsistentVerdict(result);
      const codes = (level: string) =>
        [...new Set(result.issues.filter((i) => i.level === level).map((i) => i.code))].sort();
      verdicts.set(id, { valid: result.valid, errors: codes('error'), warnings: codes('warning') });
    }
    return { runCodes, packages: verdicts };
  } catch (error) {
    if (!isNupkgSigningError(error)) throw error;
    return { stopped: error.code, runCodes, packages: new Map() };
  }
}

/** dotnet's output: run-level codes before the first package, then one block per package. */
function splitVerifyOutput(output: string): RunVerdicts {
  const [preamble = '', ...blocks] = output.split(/^(?=Verifying [^ ]+$)/m);
  const runCodes = [...preamble.matchAll(/^(?:warn|error) ?: (NU\d{4})/gm)].map(
    (m) => m[1] as string,
  );
  const verdicts = new Map<string, Verdict>();
  for (const [id, path] of packages) {
    const block = blocks.find((b) => b.split('\n').some((line) => line.trim() === path));
    if (
      !block ||
      !/^(Successfully verified package|Package signature validation failed)/m.test(block)
    )
      continue;
    const codes = (pattern: RegExp) =>
      [...new Set([...block.matchAll(pattern)].map((m) => m[1] as string))].sort();
    verdicts.set(id, {
      valid: /^Successfully verified package/m.test(block),
      errors: codes(/^error: (NU\d{4})/gm),
      warnings: codes(/^warn : (NU\d{4})/gm),
    });
  }
  const stopped = /Hash algorithm '[^']*' is unsupported/.exec(output)?.[0];
  return { ...(stopped ? { stopped } : {}), runCodes, packages: verdicts };
}

/** What must agree: a stop (NUPKG005 for us, the unsupported-hash message for dotnet), or all verdicts. */
function normalized(run: RunVerdicts | undefined) {
  if (!run) return undefined;
  if (run.stopped) return { stopped: true };
  return { runCodes: run.runCodes, packages: Object.fromEntries(run.packages) };
}

const verdictOf = (runs: Map<string, RunVerdicts>, config: string, pkg: string) =>
  runs.get(config)?.packages.get(pkg);

describeWithDotnet('nuget.config trust: ours and dotnet nuget verify --all --configfile', () => {
  it('compares every package under every config', () => {
    expect(configs.size).toBeGreaterThanOrEqual(60);
    expect(configs.size).toBeLessThanOrEqual(80);
    let verdicts = 0;
    for (const run of dotnetRuns.values()) {
      if (run.stopped) continue;
      expect(run.packages.size).toBe(packages.size);
      verdicts += run.packages.size;
    }
    console.log(
      `${configs.size} configs x ${packages.size} packages: ${verdicts} dotnet verdicts; dotnet took ${dotnetSeconds.toFixed(0)} s`,
    );
  });

  it('gives the same verdicts, codes and run-level codes as dotnet for every config', () => {
    const differences: Record<string, unknown> = {};
    for (const id of configs.keys()) {
      const dotnet = normalized(dotnetRuns.get(id));
      const mine = normalized(ourRuns.get(id));
      if (JSON.stringify(mine) !== JSON.stringify(dotnet)) differences[id] = { ours: mine, dotnet };
    }
    expect(differences).toEqual({});
  });

  // The seven classes of the issue, each named with the package that shows it.
  it('1. require mode verifies with the verify settings: an untrusted TSA fails (NU3028)', () => {
    const config = 'require/generated-author-allow-root';
    expect(verdictOf(dotnetRuns, config, 'gen-tsa-untrusted')).toMatchObject({
      valid: false,
      errors: ['NU3028'],
    });
    expect(verdictOf(ourRuns, config, 'gen-tsa-untrusted')).toEqual(
      verdictOf(dotnetRuns, config, 'gen-tsa-untrusted'),
    );
  });

  it('2. require mode: a repository entry matches the repository countersignature', () => {
    const config = 'require/repository-no-owners';
    expect(verdictOf(dotnetRuns, config, 'buffers')).toMatchObject({ valid: true });
    expect(verdictOf(ourRuns, config, 'buffers')).toEqual(verdictOf(dotnetRuns, config, 'buffers'));
  });

  it('3. allowUntrustedRoot applies to the signature whose certificate the entry names', () => {
    for (const [config, valid] of [
      ['accept/generated-author-allow-root', false],
      ['accept/generated-repository-allow-root', true],
    ] as const) {
      expect(verdictOf(dotnetRuns, config, 'gen-countersigned')).toMatchObject({ valid });
      expect(verdictOf(ourRuns, config, 'gen-countersigned')).toEqual(
        verdictOf(dotnetRuns, config, 'gen-countersigned'),
      );
    }
  });

  it('4. the first of two same-name authors, and the first trustedSigners section, win', () => {
    for (const config of [
      'accept/duplicate-author-first-wrong',
      'accept/two-sections-first-wrong',
    ]) {
      expect(verdictOf(dotnetRuns, config, 'buffers')).toMatchObject({
        valid: false,
        errors: ['NU3034'],
      });
      expect(verdictOf(ourRuns, config, 'buffers')).toEqual(
        verdictOf(dotnetRuns, config, 'buffers'),
      );
    }
  });

  it('5. a SHA1 entry stops the run (dotnet: unsupported hash; ours: NUPKG005)', () => {
    expect(dotnetRuns.get('accept/sha1-only')?.stopped).toMatch(/Hash algorithm 'SHA1'/);
    expect(ourRuns.get('accept/sha1-only')?.stopped).toBe('NUPKG005');
  });

  it('6. <owners> inside <author> is ignored', () => {
    const config = 'accept/author-owners-inside-author';
    expect(verdictOf(dotnetRuns, config, 'buffers')).toMatchObject({ valid: true });
    expect(verdictOf(ourRuns, config, 'buffers')).toEqual(verdictOf(dotnetRuns, config, 'buffers'));
  });

  it('7. an excused root has no NU3018/NU3042; NU3040 is logged once per run', () => {
    const config = 'accept/generated-author-allow-root';
    const excused = verdictOf(dotnetRuns, config, 'gen-author');
    expect(excused).toEqual({ valid: true, errors: [], warnings: [] });
    expect(verdictOf(ourRuns, config, 'gen-author')).toEqual(excused);
    expect(dotnetRuns.get('accept/conflicting-allow-root')?.runCodes).toEqual(['NU3040']);
    expect(ourRuns.get('accept/conflicting-allow-root')?.runCodes).toEqual(['NU3040']);
  });
});
