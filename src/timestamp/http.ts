import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { describeError, NupkgSigningError } from '../errors.js';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface PostOptions {
  /** Limit for one attempt (connect + full body). */
  readonly timeoutMs: number;
  /** Extra attempts after the first, for retryable failures only. */
  readonly retries: number;
  /** Monotonic deadline (performance.now() scale) after which no attempt starts or continues. */
  readonly deadline: number;
  readonly fetchImpl: FetchLike;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: ((message: string) => void) | undefined;
}

export interface PostResult {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** A TimeStampResp is a few kilobytes; anything this large is not one. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const BASE_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4000;

export const defaultSleep = (ms: number): Promise<void> => delay(ms);

/**
 * POSTs a TimeStampReq (RFC 3161 §3.4) and returns the body of a 2xx answer. Retries only what can
 * heal by itself (network errors, timeouts, 408, 429, 5xx) with capped exponential backoff that
 * honours Retry-After, never past the deadline. Failures are NUPKG006.
 *
 * Elapsed time comes from the monotonic clock: this is I/O pacing, not a validity decision.
 */
export async function postTimeStampQuery(
  url: string,
  body: Uint8Array,
  options: PostOptions,
): Promise<PostResult> {
  for (let attempt = 0; ; attempt++) {
    const remaining = options.deadline - performance.now();
    const outcome =
      remaining <= 0
        ? { retryable: false, why: 'the total time limit was reached', retryAfterMs: undefined }
        : await attemptOnce(url, body, Math.min(options.timeoutMs, remaining), options.fetchImpl);
    if ('body' in outcome) return outcome;

    const backoff = Math.min(
      outcome.retryAfterMs ?? BASE_BACKOFF_MS * 2 ** attempt,
      MAX_BACKOFF_MS,
    );
    const canRetry =
      outcome.retryable &&
      attempt < options.retries &&
      performance.now() + backoff < options.deadline;
    if (!canRetry) {
      const tries = attempt + 1 === 1 ? '' : ` after ${attempt + 1} attempts`;
      throw new NupkgSigningError(
        'NUPKG006',
        `The timestamp server ${url} could not be used${tries}: ${outcome.why}. Check the URL and your network, or use another timestamp server.`,
        { cause: outcome.cause },
      );
    }
    options.log?.(`Timestamp server ${url}: ${outcome.why}; retrying in ${backoff} ms.`);
    await options.sleep(backoff);
  }
}

interface Failure {
  readonly retryable: boolean;
  readonly why: string;
  readonly retryAfterMs: number | undefined;
  readonly cause?: unknown;
}

async function attemptOnce(
  url: string,
  body: Uint8Array,
  timeoutMs: number,
  fetchImpl: FetchLike,
): Promise<PostResult | Failure> {
  const signal = AbortSignal.timeout(Math.max(1, Math.floor(timeoutMs)));
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query' },
      body,
      signal,
      redirect: 'follow',
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      const status = response.status;
      return {
        retryable: status === 408 || status === 429 || status >= 500,
        why: `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
      };
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_RESPONSE_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      return {
        retryable: false,
        why: `the response is too large (${declared} bytes)`,
        retryAfterMs: undefined,
      };
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > MAX_RESPONSE_BYTES) {
      return {
        retryable: false,
        why: `the response is too large (${bytes.byteLength} bytes)`,
        retryAfterMs: undefined,
      };
    }
    return { body: bytes, contentType: response.headers.get('content-type') ?? '' };
  } catch (error) {
    const timedOut = signal.aborted;
    // undici reports "fetch failed" and puts the useful part (ECONNREFUSED, ...) in cause.
    const detail =
      error instanceof Error && error.cause instanceof Error
        ? error.cause.message
        : describeError(error);
    return {
      retryable: true,
      why: timedOut
        ? `no response within ${Math.round(timeoutMs)} ms`
        : `network error (${detail})`,
      retryAfterMs: undefined,
      cause: error,
    };
  }
}

/** Retry-After in delta-seconds; the HTTP-date form is ignored (it would need the wall clock). */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}
