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
  /** Servers that answered once in this run. */
  private readonly proven = new Set<string>();
  /** Per server not yet proven: settles when the last package queued for it is done asking. */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(runTimeoutMs: number = LIMITS.maxTimestampRunMs) {
    this.deadline = performance.now() + runTimeoutMs;
  }

  /** The error a server gave earlier in this run, if it failed. */
  failureOf(url: string): NupkgSigningError | undefined {
    return this.failures.get(url);
  }

  /**
   * Waits until this package may ask `url`, and returns the function that ends its turn. A run
   * signs several packages at once; until a server has answered once, they ask it one at a time,
   * so a server that hangs costs the run one timeout, not one per package in flight. Whoever
   * waited must look at `failureOf` again: the server may have failed meanwhile.
   */
  async turnToAsk(url: string): Promise<() => void> {
    if (this.proven.has(url)) return () => undefined;
    const previous = this.turns.get(url) ?? Promise.resolve();
    let end: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      end = resolve;
    });
    this.turns.set(
      url,
      previous.then(() => mine),
    );
    await previous;
    return end;
  }

  /** Remembers that a server answered: packages no longer wait for each other to ask it. */
  answered(url: string): void {
    this.proven.add(url);
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
