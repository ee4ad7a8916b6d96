import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildActionBundle, REPO_ROOT, runAction } from '../helpers/action-bundle.js';
import { buildCliBundle, type CliBundle } from '../helpers/cli-bundle.js';
import { useTempDir } from '../helpers/temp-files.js';

/**
 * Issue 15: the ncc bundles start verification workers from themselves (one file per entry), and
 * a batch verified over workers reports byte for byte what one thread reports: text, --json,
 * SARIF, JUnit and the summary from the CLI; annotations, outputs and reports from the action.
 */
const temp = useTempDir();
const AT = '2026-11-25T07:30:00Z';
const SOURCES = [
  'fixtures/packages/system.buffers.4.5.1.nupkg',
  'fixtures/tampered/system.buffers.4.5.1__ar-01-content-byte-flipped.nupkg',
  'fixtures/packages/testunsigned.1.0.0.nupkg',
  'fixtures/packages/k4os.hash.xxhash.1.0.6.nupkg',
  'fixtures/tampered/system.buffers.4.5.1__ar-10-signature-truncated.nupkg',
  'fixtures/packages/testsigned.leaf-1.1.0.0__2017-12-11-deflated-signature.nupkg',
];

let cli: CliBundle;
let action: string;
let batch: string;
/** Records each thread the bundle starts in (an --import module runs in workers too). */
let threadLog: string;

beforeAll(() => {
  cli = buildCliBundle();
  action = buildActionBundle();
  batch = temp.path('batch');
  mkdirSync(batch);
  for (let index = 0; index < 40; index++) {
    const file = join(batch, `p${String(index).padStart(2, '0')}.nupkg`);
    if (index % 7 === 6) writeFileSync(file, 'not a zip archive');
    else copyFileSync(join(REPO_ROOT, SOURCES[index % SOURCES.length] as string), file);
  }
  threadLog = temp.write(
    'thread-log.mjs',
    "import { appendFileSync } from 'node:fs';\nimport { isMainThread } from 'node:worker_threads';\nappendFileSync(process.env.THREAD_LOG, isMainThread ? 'main\\n' : 'worker\\n');\n",
  );
}, 300_000);

afterAll(() => cli.dispose());

function runCli(args: string[], name: string) {
  const log = temp.path(`${name}.threads`);
  const result = spawnSync(process.execPath, ['--import', threadLog, cli.path, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NUGET_CERT_REVOCATION_MODE: 'offline', THREAD_LOG: log },
  });
  const threads = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { ...result, threads };
}

/** Every report of one CLI call at `jobs`, with the duplicate paths named twice. */
function cliReports(jobs: string, json: boolean) {
  const name = `cli-${jobs}-${json ? 'json' : 'text'}`;
  const reports = ['sarif', 'junit', 'summary'].map((kind) => temp.path(`${name}.${kind}`));
  const args = ['verify', '--no-nuget-config-discovery', '--at', AT, '--jobs', jobs];
  if (json) args.push('--json');
  args.push('--sarif', reports[0] as string, '--junit', reports[1] as string);
  args.push('--summary', reports[2] as string, '--verbose', batch, join(batch, 'p00.nupkg'));
  const run = runCli(args, name);
  return { run, files: reports.map((file) => readFileSync(file, 'utf8')) };
}

describe('the CLI bundle', () => {
  it.each([false, true])(
    'reports the same bytes over 3 workers as in one thread (json %s)',
    (json) => {
      const one = cliReports('1', json);
      const three = cliReports('3', json);
      expect(one.run.threads).toEqual(['main']);
      expect(three.run.threads.filter((t) => t === 'worker')).toHaveLength(2);
      expect(three.run.status).toBe(1);
      expect(three.run.status).toBe(one.run.status);
      expect(three.run.stdout).toBe(one.run.stdout);
      expect(three.run.stderr).toBe(one.run.stderr);
      expect(three.files).toEqual(one.files);
      expect(one.run.stdout).toContain('NUPKG001');
      expect(one.run.stdout).toContain('NU3008');
    },
  );

  it('verifies one package without starting a worker', () => {
    const run = runCli(
      ['verify', '--no-nuget-config-discovery', '--at', AT, join(batch, 'p00.nupkg')],
      'one',
    );
    expect(run.status).toBe(0);
    expect(run.threads).toEqual(['main']);
  });

  it('stops at the same unreadable file with the same message over workers', () => {
    mkdirSync(join(batch, 'p20-folder.nupkg'), { recursive: true });
    try {
      const args = ['verify', '--no-nuget-config-discovery', '--at', AT, batch];
      const one = runCli([...args, '--jobs', '1'], 'stop-1');
      const three = runCli([...args, '--jobs', '3'], 'stop-3');
      expect(one.status).toBe(2);
      expect(one.stderr).toContain('NUPKG002');
      expect([three.status, three.stdout, three.stderr]).toEqual([
        one.status,
        one.stdout,
        one.stderr,
      ]);
    } finally {
      spawnSync('rmdir', [join(batch, 'p20-folder.nupkg')]);
    }
  });
});

describe('the action bundle', () => {
  async function actionRun(jobs: string) {
    // The same report paths for both runs: the log names them.
    const reports = temp.path('action-reports');
    const log = temp.path(`action-${jobs}.threads`);
    const result = await runAction(action, {
      cwd: batch,
      inputs: {
        packages: '*.nupkg',
        'sarif-file': join(reports, 'v.sarif'),
        'junit-file': join(reports, 'v.xml'),
      },
      env: { NUPKG_SIGNING_JOBS: jobs, NODE_OPTIONS: `--import=${threadLog}`, THREAD_LOG: log },
    });
    const threads = readFileSync(log, 'utf8').trim().split('\n');
    const files = ['v.sarif', 'v.xml'].map((f) => readFileSync(join(reports, f), 'utf8'));
    const results = readFileSync(
      join(result.runnerTemp, 'nupkg-signing-results-action.json'),
      'utf8',
    );
    // The results file's path is the runner's temporary folder, new for each run.
    const outputs = { ...result.outputs, results: 'RUNNER_TEMP/…' };
    return { result, outputs, files, results, threads };
  }

  it('logs, annotates and reports the same over 3 workers as in one thread', async () => {
    const one = await actionRun('1');
    const three = await actionRun('3');
    expect(one.result.code).toBe(1);
    expect(three.result.code).toBe(one.result.code);
    expect(three.result.stdout).toBe(one.result.stdout);
    expect(one.threads).toEqual(['main']);
    expect(three.threads.filter((t) => t === 'worker')).toHaveLength(2);
    expect(three.outputs).toEqual(one.outputs);
    expect(three.result.summary).toBe(one.result.summary);
    expect(three.files).toEqual(one.files);
    expect(three.results).toBe(one.results);
  }, 120_000);
});
