// The long fuzz campaign of issue #8. Usage:
//   npm run fuzz -- [--count N] [--seed S] [--time SECONDS] [--start I] [--kind packages|trees]
// Bundles scripts/fuzz/campaign.ts with ncc into .tmp/fuzz, runs it in a child process and
// restarts it after a hang (no progress for HANG_SECONDS), counting that case as a hang.
// Every tenth case mutates the nuspec's text (scripts/fuzz/nuspec-mutations.ts).
// Prints cases run, crashes, uncoded results, hangs and false accepts; findings are saved to
// .tmp/fuzz-findings/ and each can be replayed with --seed S --start I --count 1.
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const HANG_SECONDS = 30;
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    start: { type: 'string', default: '0' },
    time: { type: 'string', default: '0' },
    // packages: mutated signed packages; trees: random file trees for FILE|DIR|GLOB expansion.
    kind: { type: 'string', default: 'packages' },
  },
});

execFileSync(
  process.execPath,
  [
    'node_modules/@vercel/ncc/dist/ncc/cli.js',
    'build',
    'scripts/fuzz/campaign.ts',
    '-o',
    '.tmp/fuzz',
    '-q',
    '-t',
  ],
  { stdio: 'inherit' },
);

const end = Number(values.start) + Number(values.count);
const deadline = Number(values.time) > 0 ? Date.now() + Number(values.time) * 1000 : Infinity;
const totals = { cases: 0, valid: 0, crashes: 0, uncoded: 0, hangs: 0, falseAccepts: 0, maxMs: 0 };
let next = Number(values.start);
console.log(
  `fuzz: seed ${values.seed}, cases ${next}..${end - 1}${Number.isFinite(deadline) ? `, at most ${values.time} s` : ''}`,
);

while (next < end && Date.now() < deadline) {
  const remaining = Number.isFinite(deadline)
    ? String(Math.ceil((deadline - Date.now()) / 1000))
    : '0';
  const child = spawn(
    process.execPath,
    [
      '.tmp/fuzz/index.js',
      '--seed',
      values.seed,
      '--start',
      String(next),
      '--count',
      String(end - next),
      '--time',
      remaining,
      '--kind',
      values.kind,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let current = next;
  let last = Date.now();
  let started = false;
  let summary;
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.startsWith('@')) {
      current = Number(line.slice(1));
      last = Date.now();
      started = true;
    } else console.error(line);
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const record = JSON.parse(line);
    if (record.summary) summary = record.summary;
    else if (record.progress)
      console.log(
        `  ${current - Number(values.start) + 1} cases, ${record.perSecond}/s, findings so far: ${JSON.stringify(record.progress)}`,
      );
    else {
      const kind = {
        crash: 'crashes',
        uncoded: 'uncoded',
        hang: 'hangs',
        'false-accept': 'falseAccepts',
      };
      totals[kind[record.outcome.kind]]++;
      console.log(`FINDING ${line}`);
    }
  });
  const watchdog = setInterval(() => {
    if (Date.now() - last > HANG_SECONDS * 1000) child.kill('SIGKILL');
  }, 1000);
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearInterval(watchdog);
  if (summary) {
    totals.cases += summary.cases;
    totals.valid += summary.valid;
    totals.maxMs = Math.max(totals.maxMs, summary.maxMs);
    next = end; // the child ran to its end (count or time)
  } else if (!started) {
    console.error(
      `fuzz: the campaign exited with ${code} before its first case; see the output above.`,
    );
    process.exit(2);
  } else {
    // Killed by the watchdog, or died: the current case is a hang (or a fatal crash).
    console.log(
      `FINDING ${JSON.stringify({ case: current, seed: values.seed, outcome: code === null ? 'hang' : `exit ${code}` })}`,
    );
    totals[code === null ? 'hangs' : 'crashes']++;
    totals.cases += current - next + 1;
    next = current + 1;
  }
}

console.log(
  `fuzz done: ${totals.cases} cases (${totals.valid} still valid), ${totals.crashes} crashes, ` +
    `${totals.uncoded} uncoded results, ${totals.hangs} hangs (> 2 s in-process or no progress for ${HANG_SECONDS} s), ` +
    `${totals.falseAccepts} false accepts; slowest case ${totals.maxMs} ms`,
);
process.exitCode = totals.crashes + totals.uncoded + totals.hangs + totals.falseAccepts > 0 ? 1 : 0;
