import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { stoppedUnexpectedly, verifyOutcome, type PackageOutcome } from './verify-outcome.js';
import {
  settingsFromTransfer,
  settingsToTransfer,
  verifyOptionsOf,
  type VerifySettings,
  type VerifySettingsTransfer,
} from './verify-settings.js';

/** Marks the workerData of a verification worker, so the entry point knows what to run. */
const MARKER = 'nupkg-signing:verify-worker';

interface WorkerStart {
  readonly [MARKER]: true;
  readonly settings: VerifySettingsTransfer;
}

interface WorkerRequest {
  readonly file: string;
}

/** The module workers run: the entry point that announced itself (the bundle, or the CLI). */
let entry: URL | undefined;

/**
 * Called first by each entry point (src/cli/index.ts, src/action/index.ts) with its own
 * `import.meta.url`. In a verification worker it serves requests and returns true: the entry
 * point then does nothing else. In the main thread it remembers the entry, so that the run can
 * start workers from the same file (ncc bundles each entry into one file; a worker runs that
 * file again), and returns false. Without an entry (a library caller, the tests in Jest),
 * verification stays in the main thread.
 */
export function serveIfVerifyWorker(entryUrl: string): boolean {
  if (!isMainThread && isWorkerStart(workerData)) {
    serve(workerData.settings);
    return true;
  }
  entry = new URL(entryUrl);
  return false;
}

/** The file to start verification workers from, if an entry point announced one. */
export function verifyWorkerEntry(): URL | undefined {
  return entry;
}

function isWorkerStart(data: unknown): data is WorkerStart {
  return (
    typeof data === 'object' && data !== null && (data as Partial<WorkerStart>)[MARKER] === true
  );
}

/** One package at a time: the answer to each request is that package's outcome. */
function serve(settings: VerifySettingsTransfer): void {
  const port = parentPort;
  if (!port) return;
  // Certificate-only work may be cached per worker; nothing about a package outlives its request.
  const options = verifyOptionsOf(settingsFromTransfer(settings));
  port.on('message', (request: WorkerRequest) => {
    void verifyOutcome(request.file, options).then((outcome) => port.postMessage(outcome));
  });
}

/**
 * A fixed number of verification workers, started when first needed. Each verifies one package
 * at a time; a worker that crashes, runs out of memory or exits fails the package it was
 * verifying with NUPKG009 naming the file, and is replaced for the next package.
 */
export class VerifyWorkerPool {
  readonly #entry: URL;
  readonly #start: WorkerStart;
  readonly #idle: Worker[] = [];
  readonly #all = new Set<Worker>();

  readonly #heapMb: number | undefined;

  /**
   * `heapMb`: each worker's heap limit (tests make it small to watch a worker run out). Default:
   * the same limit as the main thread, so a package that verifies in one thread verifies in a
   * worker (a smaller limit also makes the garbage collector run more often: measured, +20% CPU).
   * A worker out of memory is stopped by Node alone (ERR_WORKER_OUT_OF_MEMORY), not the process.
   */
  constructor(entryUrl: URL, settings: VerifySettings, heapMb?: number) {
    this.#entry = entryUrl;
    this.#heapMb = heapMb;
    this.#start = { [MARKER]: true, settings: settingsToTransfer(settings) };
  }

  /** Callers keep at most `size` requests in flight; each gets an idle worker or a new one. */
  verify(file: string): Promise<PackageOutcome> {
    const worker = this.#idle.pop() ?? this.#spawn();
    return new Promise((resolve) => {
      const finish = (outcome: PackageOutcome, healthy: boolean): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (healthy) this.#idle.push(worker);
        else this.#discard(worker);
        resolve(outcome);
      };
      const onMessage = (outcome: PackageOutcome): void => finish(outcome, true);
      const onError = (error: Error): void =>
        finish(
          { result: stoppedUnexpectedly(file, `its worker thread failed (${crashReason(error)})`) },
          false,
        );
      const onExit = (code: number): void =>
        finish(
          { result: stoppedUnexpectedly(file, `its worker thread exited (code ${code})`) },
          false,
        );
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ file } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    const workers = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  #spawn(): Worker {
    const worker = new Worker(this.#entry, {
      workerData: this.#start,
      ...(this.#heapMb !== undefined && {
        resourceLimits: { maxOldGenerationSizeMb: this.#heapMb },
      }),
      // The report is the main thread's: anything a worker printed would corrupt --json output.
      stdout: true,
    });
    worker.stdout.resume();
    // An idle worker that fails is dropped; without a listener its error would end the process.
    worker.on('error', () => this.#discard(worker));
    worker.on('exit', () => this.#discard(worker));
    this.#all.add(worker);
    return worker;
  }

  #discard(worker: Worker): void {
    const index = this.#idle.indexOf(worker);
    if (index >= 0) this.#idle.splice(index, 1);
    if (this.#all.delete(worker)) void worker.terminate();
  }
}

/** A few words on why a worker failed; its message is not from a package, but is escaped later. */
function crashReason(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
