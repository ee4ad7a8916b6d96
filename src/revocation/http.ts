import { performance } from 'node:perf_hooks';
import { sendHttpRequest } from '../http/request.js';

/**
 * The time revocation requests may take: `timeoutMs` each, and `totalMs` for all of them in a
 * run together, counted from the first request (a run that needs none spends nothing).
 */
export class NetworkBudget {
  #deadline: number | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly totalMs: number,
  ) {}

  /**
   * The time the next request may take: the per-request timeout, or what is left of the run's
   * budget if that is less; undefined once the budget is spent. The run's clock starts here.
   */
  nextTimeoutMs(): number | undefined {
    this.#deadline ??= performance.now() + this.totalMs;
    const remainingMs = Math.floor(this.#deadline - performance.now());
    return remainingMs <= 0 ? undefined : Math.min(this.timeoutMs, remainingMs);
  }
}

export interface RevocationRequest {
  /** An OCSP request, POSTed; none for a CRL (GET). */
  readonly body?: Uint8Array;
  readonly contentType?: string;
  readonly accept: string;
  /** LIMITS.maxOcspResponseBytes or LIMITS.maxCrlBytes (or the checker's override). */
  readonly maxBytes: number;
  /** "an OCSP response" or "a CRL", for the size message. */
  readonly responseName: string;
  /** Put before the URL in messages ("CRL"); none for OCSP (the message starts with the URL). */
  readonly service?: string;
}

/**
 * GETs or POSTs `url` through the HTTP edge within `timeoutMs` (NetworkBudget.nextTimeoutMs). Redirects are followed (a POST only
 * on 307/308); no retries, the budget is for the whole chain. Failures are the edge's HttpError,
 * whose message names the URL once.
 */
export async function fetchRevocationData(
  url: string,
  request: RevocationRequest,
  timeoutMs: number,
): Promise<Uint8Array> {
  const headers: Record<string, string> = { Accept: request.accept };
  if (request.contentType) headers['Content-Type'] = request.contentType;
  const answer = await sendHttpRequest({
    url,
    method: request.body ? 'POST' : 'GET',
    headers,
    ...(request.body ? { body: request.body } : {}),
    maxResponseBytes: request.maxBytes,
    responseName: request.responseName,
    timeoutMs,
    redirects: 'follow',
    ...(request.service === undefined ? {} : { service: request.service }),
  });
  return answer.body;
}
