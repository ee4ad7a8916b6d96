import { availableParallelism } from 'node:os';
import { NupkgSigningError } from '../errors.js';
import type { RevocationChecker } from '../revocation/index.js';
import type { PackageVerification } from '../verify/verify-package.js';
import { mapInOrder } from './ordered-map.js';
import { stopErrorOf, verifyOutcome, type PackageOutcome } from './verify-outcome.js';
import { verifyOptionsOf, type VerifySettings } from './verify-settings.js';
import { VerifyWorkerPool, verifyWorkerEntry } from './verify-worker.js';

/** How a batch is spread: worker threads, and packages in flight in the main thread. */
export interface BatchOptions {
  /**
   * Worker threads verifying packages; 1 verifies in the main thread. Default: the machine's
   * available parallelism, at most MAX_DEFAULT_JOBS.
   */
  readonly jobs?: number;
  /** Packages in flight in the main thread when it verifies them itself; default 4. */
  readonly inFlight?: number;
  /** The module workers start from; default: the entry point that announced itself. */
  readonly workerEntry?: URL;
}

/** What the run tells a batch beyond how to spread it. */
export interface BatchHooks {
  /** The main thread's revocation checker (created once, where the settings were checked). */
  readonly revocation?: RevocationChecker;
  /** Called as each package is done, in any order (a progress count). */
  readonly onDone?: () => void;
}

/**
 * The default pool. Each worker's heap grows like the main thread's (about 100 MiB more RSS per
 * worker over 500 real packages, measured on 2026-11-29 after certificates were parsed once: one
 * thread 187-192 MiB in 4.8 s, 2 workers 293-302 MiB in 4.4-4.5 s on 2 cores). On 2 cores the
 * garbage collector's threads already use the second core (one thread: 5.7 s of CPU in 4.8 s), so
 * a worker buys 10% for half as much memory again: workers start by default only where cores are
 * left over, and then at most MAX_DEFAULT_JOBS of them (`--jobs` overrides both).
 */
export const MAX_DEFAULT_JOBS = 2;
/** Below this many cores a batch is verified in the main thread unless `--jobs` says otherwise. */
export const CORES_FOR_DEFAULT_WORKERS = 4;
/**
 * Fewer packages per worker than this and starting workers costs more than it saves: a worker
 * costs about 0.3 s of CPU to start (compiling the bundle, loading the configuration), a package
 * about 45 ms (real packages, one core): 2 workers pay off from about 14 packages, 4 from 10.
 */
export const PACKAGES_PER_WORKER = 16;
const DEFAULT_IN_FLIGHT = 4;
/** More workers than this is a typo, not a machine. */
const MAX_JOBS = 64;
/** The environment variable that sets the number of workers (`--jobs` wins over it). */
export const JOBS_VARIABLE = 'NUPKG_SIGNING_JOBS';

/** `--jobs N` or NUPKG_SIGNING_JOBS: a whole number from 1 (no workers) to 64. */
export function parseJobs(text: string, source: string): number {
  const jobs = /^\s*\d{1,3}\s*$/.test(text) ? Number(text) : NaN;
  if (!(jobs >= 1 && jobs <= MAX_JOBS)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `${source} must be a whole number from 1 (verify in one thread) to ${MAX_JOBS}, not '${text}'.`,
    );
  }
  return jobs;
}

/**
 * Verifies the files under one run's settings and returns their results in input order, the
 * same as a one-at-a-time loop would: the same verdicts, and the same first error thrown when a
 * file cannot be read at all (later files may already have been read; their results are dropped).
 *
 * Online revocation checks stay in the main thread, one package at a time: the run's network
 * budget and its per-run answers (each certificate asked about once, a failing server given up
 * on) belong to one checker, and the order packages meet a slow server in decides who sees it.
 */
export async function verifyBatch(
  files: readonly string[],
  settings: VerifySettings,
  options: BatchOptions & BatchHooks = {},
): Promise<PackageVerification[]> {
  const online = settings.revocation.mode === 'online';
  const jobs = workersFor(files.length, settings.revocation.mode, options.jobs);
  const entry = options.workerEntry ?? verifyWorkerEntry();
  const counted =
    (verify: (file: string) => Promise<PackageOutcome>) =>
    async (index: number): Promise<PackageOutcome> => {
      const outcome = await verify(files[index] as string);
      options.onDone?.();
      return outcome;
    };
  let outcomes: PackageOutcome[];
  if (jobs > 1 && entry !== undefined) {
    const pool = new VerifyWorkerPool(entry, settings);
    try {
      outcomes = await mapInOrder(
        files.length,
        jobs,
        counted((f) => pool.verify(f)),
        isStop,
      );
    } finally {
      await pool.close();
    }
  } else {
    const verifyOptions = verifyOptionsOf(settings, options.revocation);
    const inFlight = online ? 1 : (options.inFlight ?? DEFAULT_IN_FLIGHT);
    outcomes = await mapInOrder(
      files.length,
      inFlight,
      counted((f) => verifyOutcome(f, verifyOptions)),
      isStop,
    );
  }
  return outcomes.map((outcome) => {
    if ('stop' in outcome) throw stopErrorOf(outcome.stop);
    return outcome.result;
  });
}

/**
 * How many workers verify `count` packages: none (1: the main thread) for online revocation, for
 * `jobs` 1, or when the batch is too small to pay for starting them; else up to `jobs`.
 */
export function workersFor(
  count: number,
  mode: VerifySettings['revocation']['mode'],
  jobs: number = defaultJobs(),
): number {
  if (mode === 'online') return 1;
  return Math.max(1, Math.min(jobs, Math.floor(count / PACKAGES_PER_WORKER)));
}

/** The default number of workers for a large batch: none on small machines, else a few. */
export function defaultJobs(cores: number = availableParallelism()): number {
  return cores < CORES_FOR_DEFAULT_WORKERS ? 1 : MAX_DEFAULT_JOBS;
}

function isStop(outcome: PackageOutcome): boolean {
  return 'stop' in outcome;
}
