import { performance } from 'node:perf_hooks';
import type { NupkgSigningError } from '../errors.js';
import { HttpError } from '../http/failure.js';
import { LIMITS } from '../limits.js';

/**
 * What one signing run learns about its timestamp servers: a server that failed is not asked
 * again for the later packages (a hanging server would otherwise cost its timeout per package),
 * and all requests of the run share one deadline. Created once per run by the run layer.
 */
export class TimestampServerMemory {
  /** performance.now() time after which no timestamp request of this run starts or continues. */
  readonly deadline: number;
  private readonly failures = new Map<string, NupkgSigningError>();

  constructor(runTimeoutMs: number = LIMITS.maxTimestampRunMs) {
    this.deadline = performance.now() + runTimeoutMs;
  }

  /** The error a server gave earlier in this run, if it failed. */
  failureOf(url: string): NupkgSigningError | undefined {
    return this.failures.get(url);
  }

  /**
   * Remembers a server's failure. Not when the server was never asked because a deadline had
   * passed (one package's time limit is no verdict on the next server).
   */
  remember(url: string, error: NupkgSigningError): void {
    if (error instanceof HttpError && error.failure.kind === 'deadline') return;
    this.failures.set(url, error);
  }
}
