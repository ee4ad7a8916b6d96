// Benchmarks of issues #2, #3, #5, #8 and #15 (`npm run bench`). Figures come from one run on this
// machine, each next to its reference measured in the same run (openssl dgst, cp, dotnet), and
// are printed as Markdown for BENCHMARKS.md. Shared machines make them noisy: every timing is
// the median of REPEATS runs, and the load average is printed with them.
//
//   npm run bench -- [--size-gib 1] [--small 500] [--real 500] [--sign 100] [--signers 4]
//                    [--repeats 3] [--skip-dotnet] [--cli DIR]
// --cli runs an already built CLI (e.g. one of another commit, for before/after figures).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeZip } from './bench/zip.mjs';

const { values } = parseArgs({
  options: {
    'size-gib': { type: 'string', default: '1' },
    small: { type: 'string', default: '500' },
    real: { type: 'string', default: '500' },
    sign: { type: 'string', default: '100' },
    signers: { type: 'string', default: '4' },
    'skip-dotnet': { type: 'boolean', default: false },
    repeats: { type: 'string', default: '3' },
    cli: { type: 'string' },
  },
});
const REPEATS = Number(values.repeats);
const CLI = join(values.cli ?? '.tmp/cli', 'index.js');
const work = mkdtempSync(join(tmpdir(), 'nupkg-bench-'));
const results = {};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a command under /usr/bin/time -v; returns wall and CPU (user + system) seconds, peak RSS. */
function timed(command, args, options = {}) {
  const r = spawnSync('/usr/bin/time', ['-v', command, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    ...options,
  });
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(
    r.stderr,
  );
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  const cpu = ['User time \\(seconds\\)', 'System time \\(seconds\\)']
    .map((label) => Number(new RegExp(`${label}: ([\\d.]+)`).exec(r.stderr)?.[1] ?? NaN))
    .reduce((a, b) => a + b, 0);
  return { seconds, cpu, rssKiB: rss, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function hrSeconds(fn) {
  const t = process.hrtime.bigint();
  const out = fn();
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, out };
}

const fmt = (s) => `${s.toFixed(2)} s`;
const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;

const DOTNET_ENV = { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' };
// Our runs must not depend on the caller's nuget.config or on revocation servers.
const OURS_ENV = { ...process.env, NUGET_CERT_REVOCATION_MODE: 'offline' };
/** Medians of REPEATS alternating runs of ours and the reference. */
function alternate(ours, reference) {
  const a = [];
  const b = [];
  for (let i = 0; i < REPEATS; i++) {
    a.push(ours());
    if (reference) b.push(reference());
  }
  const m = (runs, key) => (runs.length ? median(runs.map((r) => r[key])) : NaN);
  return {
    seconds: m(a, 'seconds'),
    cpu: m(a, 'cpu'),
    rssKiB: a.length ? Math.max(...a.map((r) => r.rssKiB)) : NaN,
    refSeconds: m(b, 'seconds'),
    refCpu: m(b, 'cpu'),
    refRssKiB: b.length ? Math.max(...b.map((r) => r.rssKiB)) : NaN,
    last: a.at(-1),
    lastRef: b.at(-1),
    runs: { ours: a.map((r) => [r.seconds, r.cpu]), reference: b.map((r) => [r.seconds, r.cpu]) },
  };
}

// ---- setup --------------------------------------------------------------------------------
// The CLI as it ships: scripts/package.mjs's loader (compile cache) in front of the bundle, built
// from the working tree on every run (a bundle left from an earlier run would measure old code);
// --cli measures a given build instead.
if (values.cli === undefined) {
  execFileSync(process.execPath, ['scripts/package.mjs', '--cli-only', '.tmp/cli'], {
    stdio: 'inherit',
  });
}
const machine = {
  nproc: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  openssl: spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim(),
  dotnet: spawnSync('dotnet', ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'absent',
  loadAtStart: loadavg()
    .map((l) => l.toFixed(1))
    .join(' '),
};

// A signing key and chain (openssl), trusted by nothing: verification then reports the untrusted
// root (exit 1) but does all the work (integrity over the whole file, CMS, chain).
function makeKeys() {
  const f = (n) => join(work, n);
  const ext = f('ext.cnf');
  writeFileSync(
    ext,
    '[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\n[leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  );
  const run = (...a) => execFileSync('openssl', a, { stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('root.key'),
    '-out',
    f('root.pem'),
    '-subj',
    '/CN=Bench Root',
    '-days',
    '3650',
    '-extensions',
    'ca',
    '-config',
    ext,
  );
  const leaf = makeLeaf('Bench Signer');
  // Sign one second later: openssl stamps notBefore with the current second.
  spawnSync('sleep', ['1.1']);
  return leaf;
}
const keyArgs = makeKeys();

// ---- 1. one large package -------------------------------------------------------------------
{
  const bytes = Number(values['size-gib']) * 1024 ** 3;
  const big = join(work, 'big.nupkg');
  const block = randomBytes(8 * 1024 * 1024);
  const entrySize = 64 * 1024 * 1024;
  const entries = [
    {
      name: 'Big.nuspec',
      data: Buffer.from(
        '<?xml version="1.0"?><package><metadata><id>Big</id><version>1.0.0</version><authors>b</authors><description>b</description></metadata></package>',
      ),
    },
  ];
  for (let i = 0; i * entrySize < bytes; i++)
    entries.push({ name: `content/blob-${i}.bin`, size: entrySize, block, salt: i });
  const made = hrSeconds(() => writeZip(big, entries));
  const signedDir = join(work, 'signed');
  mkdirSync(signedDir);

  const sign = [];
  const reference = [];
  for (let i = 0; i < REPEATS; i++) {
    rmSync(join(signedDir, 'big.nupkg'), { force: true });
    sign.push(timed(process.execPath, [CLI, 'sign', ...keyArgs, '-o', signedDir, big]));
    rmSync(join(work, 'copy.nupkg'), { force: true });
    const dgst = timed('openssl', ['dgst', '-sha256', big]);
    const cp = timed('cp', [big, join(work, 'copy.nupkg')]);
    reference.push({ seconds: dgst.seconds + cp.seconds });
  }
  rmSync(join(work, 'copy.nupkg'), { force: true });
  const signedBig = join(signedDir, 'big.nupkg');
  if (sign.at(-1).status !== 0)
    throw new Error(`signing failed: ${sign.at(-1).stdout}${sign.at(-1).stderr}`);

  const verify = [];
  const dgst = [];
  for (let i = 0; i < REPEATS; i++) {
    verify.push(timed(process.execPath, [CLI, 'verify', '--json', signedBig]));
    dgst.push(timed('openssl', ['dgst', '-sha256', signedBig]));
  }
  const v = median(verify.map((r) => r.seconds));
  const d = median(dgst.map((r) => r.seconds));
  const s = median(sign.map((r) => r.seconds));
  const ref = median(reference.map((r) => r.seconds));
  const verdict = JSON.parse(verify.at(-1).stdout).results[0];
  results.large = {
    fileBytes: bytes,
    generateSeconds: made.seconds,
    verifySeconds: v,
    opensslDgstSeconds: d,
    verifyRatio: v / d,
    verifyPeakRssKiB: Math.max(...verify.map((r) => r.rssKiB)),
    verifyCodes: verdict.issues.map((i) => i.code),
    integrityChecked: !verdict.issues.some((i) => i.code === 'NU3008'),
    signSeconds: s,
    dgstPlusCpSeconds: ref,
    signRatio: s / ref,
    signPeakRssKiB: Math.max(...sign.map((r) => r.rssKiB)),
    runs: {
      verify: verify.map((r) => r.seconds),
      dgst: dgst.map((r) => r.seconds),
      sign: sign.map((r) => r.seconds),
      dgstPlusCp: reference.map((r) => r.seconds),
    },
  };
  rmSync(big, { force: true });
  rmSync(signedBig, { force: true });
}

// ---- 2. a batch of distinct small packages signed by a handful of certificates ------------------
/** A package with a nuspec and one 20 KB entry. */
function writeSmallPackage(directory, id) {
  writeZip(join(directory, `${id}.1.0.0.nupkg`), [
    {
      name: `${id}.nuspec`,
      data: Buffer.from(
        `<?xml version="1.0"?><package><metadata><id>${id}</id><version>1.0.0</version><authors>b</authors><description>b</description></metadata></package>`,
      ),
    },
    { name: 'lib/net8.0/a.dll', data: randomBytes(20_000) },
  ]);
}
/** Leaves issued by the bench root (keys made by makeKeys' root), one per signer. */
function makeLeaf(name) {
  const f = (n) => join(work, n);
  const run = (...a) => execFileSync('openssl', a, { stdio: 'pipe' });
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f(`${name}.key`),
    '-out',
    f(`${name}.csr`),
    '-subj',
    `/CN=${name}`,
  );
  run(
    'x509',
    '-req',
    '-in',
    f(`${name}.csr`),
    '-CA',
    f('root.pem'),
    '-CAkey',
    f('root.key'),
    '-set_serial',
    String(Date.now()),
    '-days',
    '3650',
    '-extfile',
    f('ext.cnf'),
    '-extensions',
    'leaf',
    '-out',
    f(`${name}.pem`),
  );
  writeFileSync(
    f(`${name}-chain.pem`),
    readFileSync(f(`${name}.pem`)) + readFileSync(f('root.pem')),
  );
  return [
    '--private-key',
    f(`${name}.key`),
    '--certificate-chain',
    f(`${name}-chain.pem`),
    '--trusted-roots',
    f('root.pem'),
  ];
}
const dotnetPresent = !values['skip-dotnet'] && machine.dotnet !== 'absent';
{
  const count = Number(values.small);
  const signers = Math.max(1, Number(values.signers));
  const signedDir = join(work, 'small-signed');
  mkdirSync(signedDir);
  spawnSync('sleep', ['1.1']);
  for (let s = 0; s < signers; s++) {
    const unsignedDir = join(work, `small-${s}`);
    mkdirSync(unsignedDir);
    for (let i = s; i < count; i += signers) writeSmallPackage(unsignedDir, `Bench.Small${i}`);
    const args = s === 0 ? keyArgs : makeLeaf(`Bench Signer ${s}`);
    if (s > 0) spawnSync('sleep', ['1.1']);
    const signed = timed(process.execPath, [CLI, 'sign', ...args, '-o', signedDir, unsignedDir]);
    if (signed.status !== 0) throw new Error(`signing failed: ${signed.stdout}${signed.stderr}`);
  }
  const files = readdirSync(signedDir).map((n) => join(signedDir, n));
  const r = alternate(
    () => timed(process.execPath, [CLI, 'verify', signedDir], { env: OURS_ENV }),
    dotnetPresent
      ? () => timed('dotnet', ['nuget', 'verify', '--all', ...files], { env: DOTNET_ENV })
      : undefined,
  );
  results.batch = { packages: files.length, signers, ...r };
}

// ---- 3. real packages (copies of ../shared/corpus/real both tools can read) -----------------------
{
  const corpus = '../shared/corpus/real';
  // dotnet nuget verify --all aborts the whole call at the first file it cannot read (an entry with
  // an uncoded error in its recorded verdicts): those are left out, for both tools.
  const unreadable = new Set(
    readFileSync('__tests__/data/dotnet-verify-corpus.tsv', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t'))
      .filter((cols) => cols[0]?.startsWith('real/') && (cols[3] ?? '') !== '')
      .map((cols) => cols[0].slice('real/'.length)),
  );
  const sources = existsSync(corpus)
    ? readdirSync(corpus)
        .filter((n) => n.endsWith('.nupkg') && !unreadable.has(n))
        .sort()
    : [];
  if (sources.length > 0) {
    const dir = join(work, 'real');
    mkdirSync(dir);
    const count = Number(values.real);
    for (let i = 0; i < count; i++) {
      const name = sources[i % sources.length];
      copyFileSync(join(corpus, name), join(dir, `${String(i).padStart(4, '0')}-${name}`));
    }
    const files = readdirSync(dir).map((n) => join(dir, n));
    const r = alternate(
      () => timed(process.execPath, [CLI, 'verify', dir], { env: OURS_ENV }),
      dotnetPresent
        ? () => timed('dotnet', ['nuget', 'verify', '--all', ...files], { env: DOTNET_ENV })
        : undefined,
    );
    results.real = { packages: files.length, distinct: sources.length, ...r };
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- 4. sign a batch: one call of ours vs one dotnet nuget sign call on the same packages ----------
{
  const count = Number(values.sign);
  const f = (n) => join(work, n);
  // Self-issued, so both tools sign with only a warning (NuGet refuses an untrusted chain, §10.2).
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f('self.key'),
      '-out',
      f('self.pem'),
      '-subj',
      '/CN=Bench Self Signer',
      '-days',
      '3650',
      '-addext',
      'extendedKeyUsage=codeSigning',
      '-addext',
      'keyUsage=critical,digitalSignature',
    ],
    { stdio: 'pipe' },
  );
  execFileSync(
    'openssl',
    [
      'pkcs12',
      '-export',
      '-inkey',
      f('self.key'),
      '-in',
      f('self.pem'),
      '-out',
      f('self.pfx'),
      '-passout',
      'pass:bench',
    ],
    { stdio: 'pipe' },
  );
  spawnSync('sleep', ['1.1']);
  const unsignedDir = f('sign-batch');
  mkdirSync(unsignedDir);
  for (let i = 0; i < count; i++) writeSmallPackage(unsignedDir, `Bench.Sign${i}`);
  const inputs = readdirSync(unsignedDir).map((n) => join(unsignedDir, n));
  const outDir = (who) => {
    rmSync(f(`signed-${who}`), { recursive: true, force: true });
    return f(`signed-${who}`);
  };
  const r = alternate(
    () =>
      timed(
        process.execPath,
        [
          CLI,
          'sign',
          '--private-key',
          f('self.key'),
          '--certificate-chain',
          f('self.pem'),
          '-o',
          outDir('ours'),
          unsignedDir,
        ],
        { env: OURS_ENV },
      ),
    dotnetPresent
      ? () =>
          timed(
            'dotnet',
            [
              'nuget',
              'sign',
              ...inputs,
              '--certificate-path',
              f('self.pfx'),
              '--certificate-password',
              'bench',
              '--output',
              outDir('dotnet'),
              '--overwrite',
            ],
            { env: DOTNET_ENV },
          )
      : undefined,
  );
  if (r.last.status !== 0) throw new Error(`signing failed: ${r.last.stdout}${r.last.stderr}`);
  results.sign = { packages: count, ...r };
}

// ---- 5. cold start on Node 20 (this one) and Node 24 (the action's; npm's `node` package) --------
{
  const nodes = [['this', process.execPath]];
  const prefix = mkdtempSync(join(tmpdir(), 'nupkg-bench-node24-'));
  const installed = spawnSync(
    'npm',
    ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', 'node@24'],
    { encoding: 'utf8' },
  );
  const node24 = join(prefix, 'node_modules', '.bin', 'node');
  if (installed.status === 0 && existsSync(node24)) nodes.push(['24', node24]);
  const small = readdirSync(join(work, 'small-signed'))[0];
  results.coldStart = [];
  for (const [label, node] of nodes) {
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    // One run to fill the compile cache (as any earlier run on the machine would).
    timed(node, [CLI, '--version']);
    const runs = { version: [], verify: [], bare: [] };
    for (let i = 0; i < 5; i++) {
      runs.bare.push(timed(node, ['-e', '0']));
      runs.version.push(timed(node, [CLI, '--version']));
      runs.verify.push(
        timed(node, [CLI, 'verify', join(work, 'small-signed', small)], { env: OURS_ENV }),
      );
    }
    const m = (xs, key) => median(xs.map((r) => r[key]));
    results.coldStart.push({
      label,
      version,
      bare: m(runs.bare, 'seconds'),
      bareCpu: m(runs.bare, 'cpu'),
      versionSeconds: m(runs.version, 'seconds'),
      versionCpu: m(runs.version, 'cpu'),
      verifySeconds: m(runs.verify, 'seconds'),
      verifyCpu: m(runs.verify, 'cpu'),
      peakRssKiB: Math.max(...runs.version.map((r) => r.rssKiB)),
    });
  }
  rmSync(prefix, { recursive: true, force: true });
}

machine.loadAtEnd = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
rmSync(work, { recursive: true, force: true });
mkdirSync('.tmp', { recursive: true });
writeFileSync('.tmp/bench-results.json', `${JSON.stringify({ machine, results }, null, 2)}\n`);

const { large, batch, real, sign, coldStart } = results;
const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
const cpuOf = (seconds, cpu) => `${fmt(seconds)} (CPU ${fmt(cpu)})`;
const ratio = (a, b) => (Number.isNaN(b) ? '' : `${(a / b).toFixed(2)}×`);
const versus = (label, r) =>
  Number.isNaN(r.refSeconds)
    ? 'not run'
    : `${label}: ${cpuOf(r.refSeconds, r.refCpu)}, ${mib(r.refRssKiB)}`;
const rows = [
  `| verify ${values['size-gib']} GiB package (CLI, whole process) | ${fmt(large.verifySeconds)} | openssl dgst -sha256: ${fmt(large.opensslDgstSeconds)} | ${large.verifyRatio.toFixed(2)}× |`,
  `| peak RSS of that verify | ${mib(large.verifyPeakRssKiB)} | target < 100 MiB | |`,
  `| sign the same package (hash + write) | ${fmt(large.signSeconds)} | openssl dgst + cp: ${fmt(large.dgstPlusCpSeconds)} | ${large.signRatio.toFixed(2)}× |`,
  `| peak RSS of that sign | ${mib(large.signPeakRssKiB)} | | |`,
  `| verify ${batch.packages} small packages, ${batch.signers} signing certificates (one call) | ${cpuOf(batch.seconds, batch.cpu)}, ${mib(batch.rssKiB)} | ${versus('dotnet nuget verify --all', batch)} | ${ratio(batch.seconds, batch.refSeconds)} |`,
];
if (real)
  rows.push(
    `| verify ${real.packages} real packages (${real.distinct} distinct from the corpus, one call) | ${cpuOf(real.seconds, real.cpu)}, ${mib(real.rssKiB)} | ${versus('dotnet nuget verify --all', real)} | ${ratio(real.seconds, real.refSeconds)} |`,
  );
rows.push(
  `| sign ${sign.packages} small packages (one call) | ${cpuOf(sign.seconds, sign.cpu)} | ${versus('one dotnet nuget sign call', sign)} | ${ratio(sign.seconds, sign.refSeconds)} |`,
);
for (const c of coldStart) {
  rows.push(
    `| cold start \`--version\`, Node ${c.version} | ${cpuOf(c.versionSeconds, c.versionCpu)}: +${ms(c.versionSeconds - c.bare)} | bare \`node -e 0\`: ${cpuOf(c.bare, c.bareCpu)} | ${ratio(c.versionSeconds, c.bare)} |`,
    `| verify one small package, Node ${c.version} | ${cpuOf(c.verifySeconds, c.verifyCpu)}: +${ms(c.verifySeconds - c.bare)} | bare \`node -e 0\`: ${cpuOf(c.bare, c.bareCpu)} | ${ratio(c.verifySeconds, c.bare)} |`,
  );
}
console.log(`## Run of ${new Date().toISOString()}

Machine: ${machine.nproc} CPUs (${machine.cpu}), Node ${machine.node}, ${machine.openssl}, .NET SDK ${machine.dotnet}.
Load average at start / end: ${machine.loadAtStart} / ${machine.loadAtEnd} (shared machine: figures are noisy). Medians of ${REPEATS} alternating runs (cold start: 5); CPU is user + system time.

| measurement | ours | reference (same run) | ratio |
|---|---|---|---|
${rows.join('\n')}

Large-package verdict codes: ${large.verifyCodes.join(' ') || 'none'} (untrusted test root expected; integrity ${large.integrityChecked ? 'passed' : 'FAILED'}).
Raw runs: .tmp/bench-results.json.`);
