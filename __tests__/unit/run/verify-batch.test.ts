import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderJson } from '../../../src/report/json.js';
import { renderText } from '../../../src/report/text.js';
import { mapInOrder } from '../../../src/run/ordered-map.js';
import { defaultJobs, parseJobs, workersFor } from '../../../src/run/verify-batch.js';
import { runVerification, type VerifyRunOptions } from '../../../src/run/verify-run.js';
import type { VerifySettings } from '../../../src/run/verify-settings.js';
import { VerifyWorkerPool } from '../../../src/run/verify-worker.js';
import { getPreset } from '../../../src/policy/presets.js';
import { TrustStore } from '../../../src/trust/trust-store.js';
import { codeOf, codedFailureOf } from '../../helpers/codes.js';

/**
 * Issue 15: a batch verified with several packages in flight, or over worker threads, gives the
 * same results in the same order as one package at a time; a worker that fails costs its own
 * package (NUPKG009, never valid), not the run.
 */
const NOW = new Date('2026-11-25T07:30:00Z');
const VALID = 'fixtures/packages/system.buffers.4.5.1.nupkg';
const UNSIGNED = 'fixtures/packages/testunsigned.1.0.0.nupkg';
const TAMPERED = 'fixtures/tampered/system.buffers.4.5.1__ar-01-content-byte-flipped.nupkg';
const TRUNCATED = 'fixtures/tampered/system.buffers.4.5.1__ar-10-signature-truncated.nupkg';

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'nupkg-verify-batch-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Valid, tampered, unsigned, unreadable and duplicated packages, in an order that mixes them. */
function mixedBatch(): string[] {
  const files: string[] = [];
  const sources = [VALID, TAMPERED, UNSIGNED, TRUNCATED];
  for (let index = 0; index < 12; index++) {
    const file = join(root, `${String(index).padStart(2, '0')}.nupkg`);
    if (index % 5 === 4) writeFileSync(file, 'not a zip archive');
    else copyFileSync(sources[index % sources.length] as string, file);
    files.push(file);
  }
  // The same file named twice, and once more through a different spelling of its path.
  return [...files, files[0] as string, join(root, '.', '01.nupkg')];
}

function run(packages: string[], inFlight: number): ReturnType<typeof runVerification> {
  const options: VerifyRunOptions = {
    packages,
    trustedRoots: [],
    certificateFingerprints: [],
    now: NOW,
    revocation: { mode: 'offline' },
    batch: { jobs: 1, inFlight },
  };
  return runVerification(options);
}

describe('a batch in the main thread', () => {
  it('gives the same results, in input order, with four packages in flight as with one', async () => {
    const packages = mixedBatch();
    const one = await run(packages, 1);
    const four = await run(packages, 4);
    expect(four.results).toEqual(one.results);
    expect(renderJson(four.results, four.expansion)).toBe(renderJson(one.results, one.expansion));
    const text = (r: typeof one) =>
      renderText(r.results, { expansion: r.expansion, quiet: false, verbose: true, color: false });
    expect(text(four)).toBe(text(one));
    expect(one.results.map((r) => r.issues[0]?.code ?? 'valid')).toContain('NUPKG001');
    expect(one.results.some((r) => r.valid)).toBe(true);
  });

  it('throws the first unreadable file of the input order, as one package at a time does', async () => {
    const packages = mixedBatch();
    // A directory named as a package is reported when opened: NUPKG002 from the verifier itself.
    const folders = [join(root, 'folder-a.nupkg'), join(root, 'folder-b.nupkg')];
    for (const folder of folders) mkdirSync(folder);
    const failing = [...packages.slice(0, 5), ...folders, ...packages.slice(5)];
    const one = await codedFailureOf(run(failing, 1));
    const four = await codedFailureOf(run(failing, 4));
    expect(four.code).toBe(one.code);
    expect(four.message).toBe(one.message);
    expect([one.code, one.message]).toEqual(['NUPKG002', expect.stringContaining('folder-a')]);
  });
});

describe('mapInOrder', () => {
  const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('returns outcomes in index order whatever order they finish in', async () => {
    const waits = [30, 5, 20, 1, 10, 0, 25];
    const outcomes = await mapInOrder(
      waits.length,
      3,
      async (i) => {
        await delay(waits[i] as number);
        return i;
      },
      () => false,
    );
    expect(outcomes).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('keeps at most the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    await mapInOrder(
      20,
      4,
      async () => {
        most = Math.max(most, ++inFlight);
        await delay(1);
        inFlight--;
      },
      () => false,
    );
    expect(most).toBe(4);
  });

  it('starts nothing after a stop and ends at the earliest stop, even one that finishes last', async () => {
    const started: number[] = [];
    const outcomes = await mapInOrder(
      10,
      3,
      async (i) => {
        started.push(i);
        await delay(i === 1 ? 30 : 1);
        return i === 1 || i === 2 ? 'stop' : 'ok';
      },
      (o) => o === 'stop',
    );
    expect(outcomes).toEqual(['ok', 'stop']);
    expect(started).not.toContain(9);
  });
});

describe('how many workers', () => {
  it('starts none for one package, for jobs 1 or for online revocation', () => {
    expect(workersFor(1, 'offline', 4)).toBe(1);
    expect(workersFor(500, 'offline', 1)).toBe(1);
    expect(workersFor(500, 'online', 4)).toBe(1);
  });

  it('starts up to jobs when the batch pays for them', () => {
    expect(workersFor(500, 'offline', 4)).toBe(4);
    expect(workersFor(500, 'files', 2)).toBe(2);
    expect(workersFor(40, 'offline', 4)).toBe(2);
  });

  it('by default starts workers only on machines with cores to spare, at most two', () => {
    expect([1, 2, 3, 4, 8, 64].map((cores) => defaultJobs(cores))).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('takes --jobs as a whole number from 1 to 64', () => {
    expect(parseJobs('3', '--jobs')).toBe(3);
    for (const bad of ['0', '65', 'two', '2.5', '-1', '']) {
      expect(codeOf(() => parseJobs(bad, '--jobs'))).toBe('NUPKG003');
    }
  });
});

describe('a worker that fails', () => {
  /** A stand-in worker: answers like a verification worker, or fails as the file name says. */
  const WORKER = `
import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ file }) => {
  if (file.includes('exit')) process.exit(3);
  if (file.includes('throw')) throw new TypeError('hostile input reached a bug');
  if (file.includes('oom')) { const hoard = []; for (;;) hoard.push(new Array(1e6).fill(file)); }
  parentPort.postMessage({ result: { file, valid: true, signature: 'author', countersigned: false, issues: [] } });
});
`;
  const settings: VerifySettings = {
    policy: getPreset('verify'),
    now: NOW,
    trust: { codeSigning: TrustStore.empty(), timestamping: TrustStore.empty() },
    revocation: { mode: 'offline' },
  };

  it('fails only its package, with NUPKG009 naming the file, and is replaced', async () => {
    const script = join(root, 'worker.mjs');
    writeFileSync(script, WORKER);
    const pool = new VerifyWorkerPool(pathToFileURL(script), settings, 16);
    try {
      const files = ['a.nupkg', 'exit.nupkg', 'b.nupkg', 'throw.nupkg', 'oom.nupkg', 'c.nupkg'];
      const outcomes = await mapInOrder(
        files.length,
        2,
        (i) => pool.verify(files[i] as string),
        () => false,
      );
      const results = outcomes.map((o) => ('result' in o ? o.result : undefined));
      expect(results.map((r) => r?.valid)).toEqual([true, false, true, false, false, true]);
      for (const index of [1, 3, 4]) {
        const result = results[index];
        expect(result?.issues.map((i) => [i.code, i.level])).toEqual([['NUPKG009', 'error']]);
        expect(result?.issues[0]?.message).toContain(files[index]);
      }
      expect(results[4]?.issues[0]?.message).toContain('ERR_WORKER_OUT_OF_MEMORY');
    } finally {
      await pool.close();
    }
  }, 60_000);
});
