// Benchmarks of issues #2, #3, #5 and #8 (`npm run bench`). Figures come from one run on this
// machine, each next to its reference measured in the same run (openssl dgst, cp, dotnet), and
// are printed as Markdown for BENCHMARKS.md. Shared machines make them noisy: every timing is
// the median of REPEATS runs, and the load average is printed with them.
//
//   npm run bench -- [--size-gib 1] [--small 500] [--skip-dotnet]
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeZip } from './bench/zip.mjs';

const { values } = parseArgs({
  options: {
    'size-gib': { type: 'string', default: '1' },
    small: { type: 'string', default: '500' },
    'skip-dotnet': { type: 'boolean', default: false },
    repeats: { type: 'string', default: '3' },
  },
});
const REPEATS = Number(values.repeats);
const CLI = '.tmp/cli/index.js';
const work = mkdtempSync(join(tmpdir(), 'nupkg-bench-'));
const results = {};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a command under /usr/bin/time -v; returns wall seconds and peak RSS (KiB). */
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
  return { seconds, rssKiB: rss, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function hrSeconds(fn) {
  const t = process.hrtime.bigint();
  const out = fn();
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, out };
}

const fmt = (s) => `${s.toFixed(2)} s`;
const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;

// ---- setup --------------------------------------------------------------------------------
if (!existsSync(CLI)) {
  execFileSync(
    process.execPath,
    [
      'node_modules/@vercel/ncc/dist/ncc/cli.js',
      'build',
      'src/cli/index.ts',
      '-o',
      '.tmp/cli',
      '-q',
      '-t',
    ],
    { stdio: 'inherit' },
  );
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
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('leaf.key'),
    '-out',
    f('leaf.csr'),
    '-subj',
    '/CN=Bench Signer',
  );
  run(
    'x509',
    '-req',
    '-in',
    f('leaf.csr'),
    '-CA',
    f('root.pem'),
    '-CAkey',
    f('root.key'),
    '-set_serial',
    '2',
    '-days',
    '3650',
    '-extfile',
    ext,
    '-extensions',
    'leaf',
    '-out',
    f('leaf.pem'),
  );
  writeFileSync(f('chain.pem'), execFileSync('cat', [f('leaf.pem'), f('root.pem')]));
  // Sign one second later: openssl stamps notBefore with the current second.
  spawnSync('sleep', ['1.1']);
  return [
    '--private-key',
    f('leaf.key'),
    '--certificate-chain',
    f('chain.pem'),
    '--trusted-roots',
    f('root.pem'),
  ];
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

// ---- 2. a batch of small signed packages ----------------------------------------------------
{
  const count = Number(values.small);
  const unsignedDir = join(work, 'small');
  const signedDir = join(work, 'small-signed');
  mkdirSync(unsignedDir);
  mkdirSync(signedDir);
  for (let i = 0; i < count; i++) {
    const id = `Bench.Small${i}`;
    writeZip(join(unsignedDir, `${id}.1.0.0.nupkg`), [
      {
        name: `${id}.nuspec`,
        data: Buffer.from(
          `<?xml version="1.0"?><package><metadata><id>${id}</id><version>1.0.0</version><authors>b</authors><description>b</description></metadata></package>`,
        ),
      },
      { name: 'lib/net8.0/a.dll', data: randomBytes(20_000) },
    ]);
  }
  const signed = timed(process.execPath, [CLI, 'sign', ...keyArgs, '-o', signedDir, unsignedDir]);
  const files = readdirSync(signedDir).map((n) => join(signedDir, n));
  const ours = [];
  const theirs = [];
  for (let i = 0; i < REPEATS; i++) {
    ours.push(timed(process.execPath, [CLI, 'verify', signedDir]));
    if (!values['skip-dotnet'] && machine.dotnet !== 'absent')
      theirs.push(
        timed('dotnet', ['nuget', 'verify', '--all', ...files], {
          env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
        }),
      );
  }
  const o = median(ours.map((r) => r.seconds));
  const t = theirs.length ? median(theirs.map((r) => r.seconds)) : NaN;
  results.batch = {
    packages: files.length,
    signSeconds: signed.seconds,
    verifySeconds: o,
    perPackageMs: (o / files.length) * 1000,
    verifyPeakRssKiB: Math.max(...ours.map((r) => r.rssKiB)),
    dotnetSeconds: t,
    dotnetPerPackageMs: (t / files.length) * 1000,
    runs: { ours: ours.map((r) => r.seconds), dotnet: theirs.map((r) => r.seconds) },
  };
}

// ---- 3. cold start ----------------------------------------------------------------------------
{
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(timed(process.execPath, [CLI, '--version']));
  const node = [];
  for (let i = 0; i < 5; i++) node.push(timed(process.execPath, ['-e', '0']));
  results.coldStart = {
    versionSeconds: median(runs.map((r) => r.seconds)),
    bareNodeSeconds: median(node.map((r) => r.seconds)),
    peakRssKiB: Math.max(...runs.map((r) => r.rssKiB)),
  };
}

machine.loadAtEnd = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
rmSync(work, { recursive: true, force: true });
mkdirSync('.tmp', { recursive: true });
writeFileSync('.tmp/bench-results.json', `${JSON.stringify({ machine, results }, null, 2)}\n`);

const { large, batch, coldStart } = results;
console.log(`## Run of ${new Date().toISOString()}

Machine: ${machine.nproc} CPUs (${machine.cpu}), Node ${machine.node}, ${machine.openssl}, .NET SDK ${machine.dotnet}.
Load average at start / end: ${machine.loadAtStart} / ${machine.loadAtEnd} (shared machine: figures are noisy). Medians of ${REPEATS} runs.

| measurement | ours | reference (same run) | ratio |
|---|---|---|---|
| verify ${(large.fileBytes / 1024 ** 3).toFixed(0)} GiB package (CLI, whole process) | ${fmt(large.verifySeconds)} | openssl dgst -sha256: ${fmt(large.opensslDgstSeconds)} | ${large.verifyRatio.toFixed(2)}× |
| peak RSS of that verify | ${mib(large.verifyPeakRssKiB)} | target < 100 MiB | |
| sign the same package (hash + write) | ${fmt(large.signSeconds)} | openssl dgst + cp: ${fmt(large.dgstPlusCpSeconds)} | ${large.signRatio.toFixed(2)}× |
| peak RSS of that sign | ${mib(large.signPeakRssKiB)} | | |
| verify ${batch.packages} small signed packages (one CLI call) | ${fmt(batch.verifySeconds)} (${batch.perPackageMs.toFixed(1)} ms each) | dotnet nuget verify --all: ${Number.isNaN(batch.dotnetSeconds) ? 'not run' : `${fmt(batch.dotnetSeconds)} (${batch.dotnetPerPackageMs.toFixed(1)} ms each)`} | ${Number.isNaN(batch.dotnetSeconds) ? '' : `${(batch.verifySeconds / batch.dotnetSeconds).toFixed(2)}×`} |
| cold start (\`--version\`) | ${fmt(coldStart.versionSeconds)} | bare \`node -e 0\`: ${fmt(coldStart.bareNodeSeconds)} | |

Large-package verdict codes: ${large.verifyCodes.join(' ') || 'none'} (untrusted test root expected; integrity ${large.integrityChecked ? 'passed' : 'FAILED'}).
Raw runs: .tmp/bench-results.json.`);
