/**
 * The long fuzz campaign (`npm run fuzz`), bundled by scripts/fuzz.mjs and run in a child process
 * that the parent watches for hangs. Case `i` of a campaign with seed `s` is the mutation
 * fast-check samples with seed `s + i`, applied to seed package `i mod n`: any case can be
 * replayed with `--seed s --start i --count 1`. Cases with i mod 10 = 9 draw nuspec-text mutations
 * (whitespace runs, repeated and unclosed tags, nesting, DTDs, encodings) instead.
 *
 * With `--kind trees`, case `i` is instead a random file tree (scripts/fuzz/file-trees.ts) sampled
 * with seed `s + i`, expanded and checked; a finding saves the tree's shape as JSON.
 *
 * Output: `@i` per case on stderr (heartbeat for the watchdog), a JSON line per finding and a
 * final JSON summary on stdout.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { createTimestampAuthority } from '../../__tests__/helpers/tsa.js';
import { startTsaServer } from '../../__tests__/helpers/tsa-server.js';
import { buildZip, nuspecEntry } from '../../__tests__/helpers/zip-builder.js';
import { buildTree, checkTree, treeArbitrary } from './file-trees.js';
import { prepareSeed, runCase, TIME_LIMIT_MS, type FuzzSeed } from './harness.js';
import { mutationArbitrary, nuspecCaseArbitrary } from './mutations.js';
import { FIXTURE_SEEDS, fixtureSeed, testPkiSeed } from './seeds.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    start: { type: 'string', default: '0' },
    time: { type: 'string', default: '0' },
    findings: { type: 'string', default: '.tmp/fuzz-findings' },
    kind: { type: 'string', default: 'packages' },
  },
});
const count = Number(values.count);
const baseSeed = Number(values.seed);
const start = Number(values.start);
const deadline = Number(values.time) > 0 ? Date.now() + Number(values.time) * 1000 : Infinity;

const work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'nupkg-fuzz-'));

/** A code-signing chain and a TSA made with openssl (the test helper's x509 library is test-only). */
function opensslPki() {
  const file = (name: string) => join(work, name);
  const run = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const config = `[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n[leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n[tsa]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n`;
  writeFileSync(file('ext.cnf'), config);
  const make = (name: string, subject: string, issuer: string | undefined, section: string) => {
    run(
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-out',
      file(`${name}.key`),
    );
    if (!issuer) {
      run(
        'req',
        '-new',
        '-x509',
        '-key',
        file(`${name}.key`),
        '-subj',
        subject,
        '-days',
        '3650',
        '-extensions',
        section,
        '-config',
        file('ext.cnf'),
        '-outform',
        'DER',
        '-out',
        file(`${name}.der`),
        '-set_serial',
        '1',
      );
      return;
    }
    run('req', '-new', '-key', file(`${name}.key`), '-subj', subject, '-out', file(`${name}.csr`));
    run(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file(`${issuer}.der`),
      '-CAform',
      'DER',
      '-CAkey',
      file(`${issuer}.key`),
      '-set_serial',
      String(Date.now()),
      '-days',
      '3650',
      '-extfile',
      file('ext.cnf'),
      '-extensions',
      section,
      '-outform',
      'DER',
      '-out',
      file(`${name}.der`),
    );
  };
  make('root', '/CN=Fuzz Root', undefined, 'ca');
  make('intermediate', '/CN=Fuzz Intermediate', 'root', 'ca');
  make('leaf', '/CN=Fuzz Signer', 'intermediate', 'leaf');
  make('tsaroot', '/CN=Fuzz TSA Root', undefined, 'ca');
  make('tsa', '/CN=Fuzz TSA', 'tsaroot', 'tsa');
  const der = (name: string) => readFileSync(file(`${name}.der`));
  const key = (name: string) => createPrivateKey(readFileSync(file(`${name}.key`)));
  return { der, key };
}

async function loadSeeds(): Promise<{ seeds: FuzzSeed[]; close: () => Promise<void> }> {
  const seeds: FuzzSeed[] = [];
  for (const name of FIXTURE_SEEDS) {
    const { bytes, options } = fixtureSeed(name);
    seeds.push(await prepareSeed(name, bytes, options, join(work, 'seed.nupkg')));
  }
  const { der, key } = opensslPki();
  // openssl stamps notBefore with the current time: sign and verify the test-PKI seed just after.
  const now = new Date(Date.now() + 2000);
  const tsa = await startTsaServer(
    createTimestampAuthority({
      certificate: der('tsa'),
      privateKey: key('tsa'),
      chain: [der('tsaroot')],
      clock: () => now,
    }),
  );
  const path = join(work, 'test-pki.nupkg');
  writeFileSync(path, buildZip({ entries: [nuspecEntry('Fuzz.Seed', '1.0.0')] }));
  const signed = await testPkiSeed(
    path,
    {
      rootDer: der('root'),
      leafDer: der('leaf'),
      leafKey: key('leaf'),
      chainDers: [der('intermediate')],
      timestampRootDer: der('tsaroot'),
      timestampUrl: tsa.url,
    },
    now,
  );
  seeds.push(await prepareSeed('test-pki', signed.bytes, signed.options, path));
  return { seeds, close: () => tsa.close() };
}

/** File-tree cases: the findings are hangs (over the time limit) and dropped or extra entries. */
async function mainTrees(): Promise<void> {
  mkdirSync(values.findings, { recursive: true });
  const totals = {
    cases: 0,
    valid: 0,
    crashes: 0,
    uncoded: 0,
    hangs: 0,
    falseAccepts: 0,
    maxMs: 0,
  };
  const started = Date.now();
  for (let i = start; i < start + count && Date.now() < deadline; i++) {
    process.stderr.write(`@${i}\n`);
    const [shape] = fc.sample(treeArbitrary(20_000), { seed: baseSeed + i, numRuns: 1 });
    if (!shape) continue;
    const root = join(work, `tree-${i}`);
    mkdirSync(root);
    let outcome;
    try {
      buildTree(root, shape);
      outcome = await checkTree(root, TIME_LIMIT_MS);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    totals.cases++;
    totals.maxMs = Math.max(totals.maxMs, Math.round(outcome.ms));
    if (!outcome.ok) {
      // A slow case is a hang; anything else is a dropped or extra entry, counted as a crash.
      const kind = outcome.ms > TIME_LIMIT_MS ? 'hang' : 'crash';
      totals[kind === 'hang' ? 'hangs' : 'crashes']++;
      const finding = join(values.findings, `tree-${baseSeed}-${i}.json`);
      writeFileSync(finding, JSON.stringify(shape));
      const line = {
        case: i,
        seed: baseSeed,
        outcome: { kind, detail: outcome.detail },
        saved: finding,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
  process.stdout.write(
    `${JSON.stringify({ summary: totals, seconds: (Date.now() - started) / 1000 })}\n`,
  );
}

async function main(): Promise<void> {
  if (values.kind === 'trees') return mainTrees();
  const { seeds, close } = await loadSeeds();
  await close(); // signing is done; cases never contact the TSA
  mkdirSync(values.findings, { recursive: true });
  const totals = {
    cases: 0,
    valid: 0,
    crashes: 0,
    uncoded: 0,
    hangs: 0,
    falseAccepts: 0,
    maxMs: 0,
  };
  const casePath = join(work, 'case.nupkg');
  const started = Date.now();
  for (let i = start; i < start + count && Date.now() < deadline; i++) {
    process.stderr.write(`@${i}\n`);
    const seed = seeds[i % seeds.length] as FuzzSeed;
    // Every tenth case mutates the nuspec's text; the others replay as before this was added.
    const arbitrary = i % 10 === 9 ? nuspecCaseArbitrary : mutationArbitrary;
    const [mutation] = fc.sample(arbitrary, { seed: baseSeed + i, numRuns: 1 });
    if (!mutation) continue;
    const outcome = await runCase(seed, mutation, casePath);
    totals.cases++;
    totals.maxMs = Math.max(totals.maxMs, Math.round(outcome.ms));
    if (outcome.kind === 'ok') {
      if (outcome.valid) totals.valid++;
    } else {
      const key = {
        crash: 'crashes',
        uncoded: 'uncoded',
        hang: 'hangs',
        'false-accept': 'falseAccepts',
      } as const;
      totals[key[outcome.kind]]++;
      const finding = join(values.findings, `case-${baseSeed}-${i}.nupkg`);
      writeFileSync(finding, readFileSync(casePath));
      const line = {
        case: i,
        seed: baseSeed,
        package: seed.name,
        mutation,
        outcome,
        saved: finding,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
    if (totals.cases % 1000 === 0) {
      const rate = totals.cases / ((Date.now() - started) / 1000);
      process.stdout.write(
        `${JSON.stringify({ progress: totals, perSecond: Math.round(rate) })}\n`,
      );
    }
  }
  process.stdout.write(
    `${JSON.stringify({ summary: totals, seconds: (Date.now() - started) / 1000 })}\n`,
  );
}

// No top-level await: ncc bundles this file as a script.
void main().finally(() => rmSync(work, { recursive: true, force: true }));
