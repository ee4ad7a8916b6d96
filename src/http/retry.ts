import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { HttpError, httpErrorMessage, isRetryable } from './failure.js';
import { sendHttpRequest, type HttpAnswer, type HttpRequest } from './request.js';

export interface RetryPolicy {
  /** Extra attempts after the first, for retryable failures only (network, timeout, 408/429/5xx). */
  readonly retries: number;
  /** Backoff before retry n (from 0) is baseDelayMs·2ⁿ, at most maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Whether a Retry-After (seconds or date) replaces the backoff; it is still capped at maxDelayMs. */
  readonly honourRetryAfter: boolean;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told about each retry; never receives a body. */
  readonly log?: (message: string) => void;
}

/** The backoff every client uses: 250 ms, 500 ms, 1 s … never more than 4 s between attempts. */
export const STANDARD_BACKOFF = { baseDelayMs: 250, maxDelayMs: 4000 } as const;

export const defaultSleep = (ms: number): Promise<void> => delay(ms);

/**
 * sendHttpRequest, retried for what can heal by itself with capped exponential backoff, never
 * past the request's deadline. The final error says how many attempts were made and, when
 * retries were left, that the total time limit ended them.
 */
export async function sendWithRetries(
  request: HttpRequest,
  policy: RetryPolicy,
): Promise<HttpAnswer> {
  const deadline = request.deadline ?? Infinity;
  for (let attempt = 0; ; attempt++) {
    let error: HttpError;
    try {
      return await sendHttpRequest(request);
    } catch (caught) {
      if (!(caught instanceof HttpError)) throw caught;
      error = caught;
    }
    const { failure } = error;
    const suggested =
      policy.honourRetryAfter && failure.kind === 'status' ? failure.retryAfterMs : undefined;
    const backoff = Math.min(suggested ?? policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
    const retriesLeft = isRetryable(failure) && attempt < policy.retries;
    const outOfTime = retriesLeft && performance.now() + backoff >= deadline;
    if (!retriesLeft || outOfTime) {
      throw new HttpError(failure, { ...error.context, attempts: attempt + 1, outOfTime });
    }
    const note = httpErrorMessage(failure, { ...error.context, advice: undefined });
    policy.log?.(`${note}; retrying in ${backoff} ms.`);
    await (policy.sleep ?? defaultSleep)(backoff);
  }
}
