/**
 * Hostile configuration files (issue 11, finding 6): a policy file, the certificate files it names
 * and a RepositorySignatures file, each built here to be too big, too deep or not a file at all.
 * Each gets NUPKG005 naming the file (and the line, where there is one) in bounded time and memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, truncateSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NupkgSigningError } from '../../../src/errors.js';
import { LIMITS } from '../../../src/limits.js';
import { loadRepositoryCertificates } from '../../../src/policy/repository-certificates.js';
import { loadPolicyFile } from '../../../src/policy/signer-policy/load-policy.js';
import { parsePolicy } from '../../../src/policy/signer-policy/parse-policy.js';
import { useTempDir } from '../../helpers/temp-files.js';
import { CHILD_PEAK_RSS } from '../../helpers/memory.js';

const temp = useTempDir();
/** CPU seconds, not wall time: the machine is shared, and CPU time is what grows with the input. */
const CPU_BOUND_SECONDS = 10;
/** For refusals that read or parse little: a FIFO, a device, a size or nesting limit. */
const QUICK_MS = 2000;
/** For refusals that lex a whole file first (up to 2 MiB), on a shared machine. */
const LEXING_MS = 5000;
/**
 * What one call may add to a fresh process's peak RSS. The bound was "the process under 200 MiB"
 * with about 85 MiB of it the test harness (Node, tsx and the policy modules, which measure 85-92
 * MiB from run to run): what the call adds is what a hostile file controls, so that is measured.
 */
const MEMORY_GROWTH_BOUND_MIB = 115;

/** Accounts with a certificate each, and a rule per account, up to `bytes` of YAML. */
function generatedPolicy(bytes: number): { text: string; accounts: number } {
  const accounts: string[] = ['version: 1', 'accounts:'];
  const packages: string[] = ['packages:'];
  let size = 0;
  let i = 0;
  while (size < bytes) {
    const account = `  account-${i}:\n    certificates:\n      - fingerprint: ${i.toString(16).toUpperCase().padStart(64, '0')}\n        label: release certificate ${i}\n        expires: 2030-01-01`;
    const rule = `  - id: Contoso.Package${i}.*\n    owners: [account-${i}]`;
    accounts.push(account);
    packages.push(rule);
    size += account.length + rule.length + 2;
    i += 1;
  }
  return { text: `${[...accounts, ...packages].join('\n')}\n`, accounts: i };
}

function cpuSeconds<T>(run: () => T): { value: T; seconds: number } {
  const before = process.cpuUsage();
  const value = run();
  const used = process.cpuUsage(before);
  return { value, seconds: (used.user + used.system) / 1e6 };
}

/** The NUPKG005 thrown by `load`, checked to come within `withinMs`. */
function quickRefusal(load: () => unknown, withinMs = QUICK_MS): NupkgSigningError {
  const started = performance.now();
  try {
    load();
  } catch (error) {
    expect(performance.now() - started).toBeLessThan(withinMs);
    expect(error).toBeInstanceOf(NupkgSigningError);
    expect((error as NupkgSigningError).code).toBe('NUPKG005');
    return error as NupkgSigningError;
  }
  throw new Error('the configuration was accepted');
}

function fifo(name: string): string {
  const path = temp.path(name);
  const made = spawnSync('mkfifo', [path]);
  expect(made.status).toBe(0);
  return path;
}

/**
 * How much a fresh Node process's peak RSS grows while it runs `call` on a module of src/, over
 * what it had after importing the module: the memory the call needs, measured without this test
 * runner's heap and without the harness's own, varying, start-up.
 */
function peakRssGrowthMiB(
  module: string,
  call: string,
  argument: string,
): { mib: number; out: string } {
  const probe = temp.write(
    `probe-${Math.random().toString(36).slice(2)}.mts`,
    `${CHILD_PEAK_RSS.imports}\n` +
      `import * as m from ${JSON.stringify(pathToFileURL(resolve(module)).href)};\n` +
      `const base = ${CHILD_PEAK_RSS.expression};\n` +
      `try { ${call}; console.log('loaded'); } catch (e) { console.log(e.code, e.message); }\n` +
      `console.log('growth', ${CHILD_PEAK_RSS.expression} - base);\n`,
  );
  const result = spawnSync(process.execPath, ['--import', 'tsx', probe, argument], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const kib = Number(/growth (\d+)/.exec(result.stdout)?.[1] ?? Number.NaN);
  return { mib: kib / 1024, out: result.stdout };
}

describe('a policy file', () => {
  const certificateRule = (file: string) =>
    `accounts:\n  contoso:\n    certificates:\n      - file: ${file}\npackages:\n  - id: Contoso.*\n    owners: [contoso]\n`;

  describe('of generated size', () => {
    it(`of 1 MB (4,000+ accounts) loads in bounded CPU time adding under ${MEMORY_GROWTH_BOUND_MIB} MiB`, () => {
      const { text, accounts } = generatedPolicy(1_000_000);
      const file = temp.write('policy-1mb.yml', text);
      const { value: policy, seconds } = cpuSeconds(() => loadPolicyFile(file));
      expect(policy.accounts.size).toBe(accounts);
      expect(policy.packages).toHaveLength(accounts);
      expect(seconds).toBeLessThan(CPU_BOUND_SECONDS);

      const { mib, out } = peakRssGrowthMiB(
        'src/policy/signer-policy/load-policy.ts',
        'm.loadPolicyFile(process.argv[2])',
        file,
      );
      expect(out).toMatch(/^loaded$/m);
      expect(mib).toBeLessThan(MEMORY_GROWTH_BOUND_MIB);
    });

    it(`of 5 MB, over the ${LIMITS.maxPolicyTokens}-token budget, is refused while lexing, at the line`, () => {
      const { text } = generatedPolicy(5_000_000);
      const error = quickRefusal(
        () => parsePolicy(text, { fileName: 'policy.yml', baseDir: '/' }),
        LEXING_MS,
      );
      expect(error.message).toMatch(
        new RegExp(
          `^policy\\.yml:\\d+: the file has more than ${LIMITS.maxPolicyTokens} YAML tokens`,
          'm',
        ),
      );
    });

    it.each([
      { shape: 'closing brackets, each a YAML error', line: '- ]]]]]]]]]]]]]]]]]]]]' },
      { shape: 'unclosed brackets, cut by the next line', line: `- ${'['.repeat(60)}` },
      { shape: 'a valid flow list of one-letter items', line: `- [${'a, '.repeat(20)}a]` },
    ])(
      `of 2 MiB made of $shape is refused within the token or problem budget, adding under ${MEMORY_GROWTH_BOUND_MIB} MiB to the process`,
      ({ line }) => {
        const text = `${line}\n`.repeat(Math.floor(LIMITS.maxPolicyFileBytes / (line.length + 1)));
        const file = temp.write(`tokens-${line.length}.yml`, text);
        expect(quickRefusal(() => loadPolicyFile(file), LEXING_MS).message).toMatch(
          /more than \d+ YAML tokens|stopped reading after \d+ problems/,
        );
        const { mib, out } = peakRssGrowthMiB(
          'src/policy/signer-policy/load-policy.ts',
          'm.loadPolicyFile(process.argv[2])',
          file,
        );
        expect(out).toMatch(/^NUPKG005 /m);
        expect(mib).toBeLessThan(MEMORY_GROWTH_BOUND_MIB);
      },
    );

    it('with tens of thousands of YAML errors lists the first 99 and stops reading', () => {
      const file = temp.write('errors.yml', '- ]\n'.repeat(30_000));
      const message = quickRefusal(() => loadPolicyFile(file), LEXING_MS).message;
      // The heading, 99 problems and the note that reading stopped.
      expect(message.split('\n')).toHaveLength(101);
      expect(message).toMatch(/errors\.yml: stopped reading after 99 problems and warnings$/);
    });

    it(`of 5 MB, over the ${LIMITS.maxPolicyFileBytes}-byte limit, is refused at once`, () => {
      const file = temp.write('policy-5mb.yml', generatedPolicy(5_000_000).text);
      expect(quickRefusal(() => loadPolicyFile(file)).message).toMatch(
        new RegExp(
          `cannot read policy file .*policy-5mb\\.yml: .* is larger than ${LIMITS.maxPolicyFileBytes} bytes`,
        ),
      );
    });

    it('of 3 GB (sparse) is refused while reading, holding no more than the limit', () => {
      const file = temp.write('policy-3gb.yml', 'accounts: {}\npackages: []\n');
      truncateSync(file, 3 * 1024 ** 3);
      const before = process.memoryUsage().arrayBuffers;
      expect(quickRefusal(() => loadPolicyFile(file)).message).toMatch(/is larger than/);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(
        LIMITS.maxPolicyFileBytes + 16 * 1024 * 1024,
      );
    });
  });

  describe('nested deeper than the parser can recurse', () => {
    const levels = 10_000;
    it.each([
      {
        shape: 'a flow sequence [[[[…',
        yaml: `version: 1\naccounts: ${'['.repeat(levels)}${']'.repeat(levels)}\npackages: []\n`,
        line: 2,
      },
      {
        shape: 'an unclosed flow sequence',
        yaml: `accounts: {}\npackages:\n  - ${'['.repeat(levels)}\n`,
        line: 3,
      },
      {
        shape: 'a flow mapping {a: {a: …',
        yaml: `accounts:\n  a: ${'{a: '.repeat(levels)}${'}'.repeat(levels)}\npackages: []\n`,
        line: 2,
      },
      {
        shape: 'compact block sequences - - - …',
        yaml: `accounts: {}\npackages:\n  ${'- '.repeat(levels)}x\n`,
        line: 3,
      },
      {
        shape: 'explicit keys ? ? ? …',
        yaml: `accounts:\n  ${'? '.repeat(levels)}x\npackages: []\n`,
        line: 2,
      },
      {
        shape: 'block mappings, one more space per level',
        yaml: `accounts:\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')}\npackages: []\n`,
        // Two levels are counted per indentation step (plus the ":"): passed on line 32.
        line: 32,
      },
    ])('refuses $shape with NUPKG005 and the line', ({ yaml, line }) => {
      const file = temp.write(`deep-${line}-${yaml.length}.yml`, yaml);
      const message = quickRefusal(() => loadPolicyFile(file)).message;
      expect(message).toContain(`${file}:${line}: collections are nested too deeply`);
      expect(message).not.toMatch(/call stack/);
    });

    it('still reads brackets and dashes inside scalars as text', () => {
      const text = `accounts:\n  a:\n    identities:\n      - subject: "CN=${'['.repeat(500)}"\n        issuer: |\n          ${'- '.repeat(500)}\n          ${'{'.repeat(500)}\n        chainsTo: ${'A'.repeat(64)}\npackages: []\nunmatchedPackages: allow\n`;
      const policy = parsePolicy(text, { fileName: 'policy.yml', baseDir: '/' });
      expect(policy.accounts.get('a')?.identities[0]?.subject).toBe(`CN=${'['.repeat(500)}`);
    });
  });

  it('refuses an alias bomb (billion laughs) with NUPKG005', () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h'].entries()) {
      const previous = String.fromCharCode('a'.charCodeAt(0) + i);
      rows.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const file = temp.write('laughs.yml', `${rows.join('\n')}\naccounts: {}\npackages: []\n`);
    expect(quickRefusal(() => loadPolicyFile(file)).message).toMatch(
      /laughs\.yml: Excessive alias count/,
    );
  });

  describe('naming a certificate file that is not a certificate file', () => {
    it.each([
      { situation: '/dev/zero', file: () => '/dev/zero', says: /not a regular file/ },
      { situation: 'a FIFO no one writes to', file: () => fifo('signer.cer'), says: /FIFO/ },
      {
        situation: 'a directory',
        file: () => {
          mkdirSync(temp.path('certs-dir'), { recursive: true });
          return temp.path('certs-dir');
        },
        says: /is a directory/,
      },
      {
        situation: `a file over ${LIMITS.maxCertificateFileBytes} bytes (sparse, 1 GiB)`,
        file: () => {
          const path = temp.write('huge.cer', '');
          truncateSync(path, 1024 ** 3);
          return path;
        },
        says: new RegExp(`larger than ${LIMITS.maxCertificateFileBytes} bytes`),
      },
    ])('refuses $situation at once, naming the policy line', ({ file, says }) => {
      const target = file();
      const policy = temp.write(`cert-${target.length}.yml`, certificateRule(target));
      const message = quickRefusal(() => loadPolicyFile(policy)).message;
      expect(message).toContain(`${policy}:4: accounts.contoso.certificates[0].file: cannot read`);
      expect(message).toMatch(says);
    });
  });

  it('that is itself a FIFO is refused at once', () => {
    const path = fifo('policy-fifo.yml');
    expect(quickRefusal(() => loadPolicyFile(path)).message).toMatch(/not a regular file/);
  });
});

describe('a RepositorySignatures file', () => {
  const header = '{\n  "allRepositorySigned": false,\n  "signingCertificates": ';

  it(`of 287 MB is refused while reading, adding under ${MEMORY_GROWTH_BOUND_MIB} MiB to the process`, () => {
    // Sparse: a valid start, then zeros the reader must not hold.
    const file = temp.write('repository-signatures-287mb.json', `${header}[`);
    truncateSync(file, 287 * 1024 * 1024);
    expect(quickRefusal(() => loadRepositoryCertificates({ file })).message).toMatch(
      new RegExp(`larger than ${LIMITS.maxRepositorySignaturesBytes} bytes`),
    );
    const { mib, out } = peakRssGrowthMiB(
      'src/policy/repository-certificates.ts',
      'm.loadRepositoryCertificates({ file: process.argv[2] })',
      file,
    );
    expect(out).toMatch(/^NUPKG005 /m);
    expect(mib).toBeLessThan(MEMORY_GROWTH_BOUND_MIB);
  });

  it('nested 100,000 levels deep is refused with the line', () => {
    const depth = 100_000;
    const file = temp.write(
      'repository-signatures-deep.json',
      `${header}[\n    ${'['.repeat(depth)}${']'.repeat(depth)}\n  ]\n}\n`,
    );
    expect(quickRefusal(() => loadRepositoryCertificates({ file })).message).toBe(
      `${file}:4: arrays and objects are nested more than ${LIMITS.maxConfigNesting} levels deep (a RepositorySignatures resource needs 4); check that it is the right file`,
    );
  });

  it('counts no brackets inside strings (escaped quotes included)', () => {
    const subject = `CN=\\"${'['.repeat(1000)}`;
    const file = temp.write(
      'repository-signatures-brackets.json',
      `${header}[{ "subject": "${subject}", "contentUrl": "https://example.test/a.crt", "fingerprints": {} }]\n}\n`,
    );
    expect(loadRepositoryCertificates({ file }).certificates[0]?.subject).toBe(
      `CN="${'['.repeat(1000)}`,
    );
  });

  it('that is a FIFO is refused at once', () => {
    const file = fifo('repository-signatures.json');
    expect(quickRefusal(() => loadRepositoryCertificates({ file })).message).toMatch(
      /not a regular file/,
    );
  });
});
