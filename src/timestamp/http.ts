import { sendWithRetries, STANDARD_BACKOFF } from '../http/retry.js';
import { LIMITS } from '../limits.js';

export { defaultSleep } from '../http/retry.js';

export interface PostOptions {
  /** Limit for one attempt (connect, redirects and the full body). */
  readonly timeoutMs: number;
  /** Extra attempts after the first, for retryable failures only. */
  readonly retries: number;
  /** Monotonic deadline (performance.now() scale) after which no attempt starts or continues. */
  readonly deadline: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: ((message: string) => void) | undefined;
}

export interface PostResult {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/**
 * POSTs a TimeStampReq (RFC 3161 §3.4) and returns the body of a 2xx answer, read up to
 * LIMITS.maxTimestampResponseBytes. Retries only what can heal by itself (network errors,
 * timeouts, 408, 429, 5xx) with capped exponential backoff that honours Retry-After, never past
 * the deadline. 307/308 redirects are followed with the same request (RFC 3161 servers move);
 * a redirect that would turn the POST into a GET is refused. Failures are NUPKG006.
 */
export async function postTimeStampQuery(
  url: string,
  body: Uint8Array,
  options: PostOptions,
): Promise<PostResult> {
  const answer = await sendWithRetries(
    {
      url,
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query' },
      body,
      maxResponseBytes: LIMITS.maxTimestampResponseBytes,
      responseName: 'a timestamp response',
      timeoutMs: options.timeoutMs,
      deadline: options.deadline,
      redirects: 'follow',
      service: 'The timestamp server',
      advice: 'Check the URL and your network, or use another timestamp server.',
    },
    {
      retries: options.retries,
      ...STANDARD_BACKOFF,
      honourRetryAfter: true,
      sleep: options.sleep,
      log: options.log,
    },
  );
  return { body: answer.body, contentType: answer.contentType };
}
