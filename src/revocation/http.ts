import { sendHttpRequest } from '../http/request.js';

/** Limits for one run: each request, and all revocation requests together. */
export interface NetworkBudget {
  readonly timeoutMs: number;
  /** Milliseconds left for the whole run (shrinks as requests are made). */
  remainingMs(): number;
}

/** Why a download was not even tried; other failures are the edge's HttpError (NUPKG006). */
export class RevocationFetchError extends Error {}

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
 * GETs or POSTs `url` through the HTTP edge within the per-request timeout and what is left of
 * the run's budget. Redirects are followed (a POST only on 307/308). The caller turns any error
 * into an `unknown` status whose reason is the error's message, which names the URL once.
 */
export async function fetchBounded(
  url: string,
  request: RevocationRequest,
  budget: NetworkBudget,
): Promise<Uint8Array> {
  const remainingMs = budget.remainingMs();
  if (remainingMs <= 0) {
    throw new RevocationFetchError('the revocation time budget for this run is spent');
  }
  const headers: Record<string, string> = { Accept: request.accept };
  if (request.contentType) headers['Content-Type'] = request.contentType;
  const answer = await sendHttpRequest({
    url,
    method: request.body ? 'POST' : 'GET',
    headers,
    ...(request.body ? { body: request.body } : {}),
    maxResponseBytes: request.maxBytes,
    responseName: request.responseName,
    timeoutMs: Math.min(budget.timeoutMs, remainingMs),
    redirects: 'follow',
    ...(request.service === undefined ? {} : { service: request.service }),
  });
  return answer.body;
}
