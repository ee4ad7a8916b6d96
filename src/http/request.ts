import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { LIMITS } from '../limits.js';
import { VERSION } from '../version.js';
import { exchange, ExchangeFailure, type Hop } from './exchange.js';
import { HttpError, type HttpFailure } from './failure.js';
import { isRedirect, nextHop } from './redirect.js';
import { retryAfterMs } from './retry-after.js';
import { checkHttpUrl, displayUrl } from './url.js';

/**
 * The HTTP edge: every request the tool makes (timestamp servers, the remote signer, OCSP
 * responders, CRL distribution points) goes through `sendHttpRequest`, bounded in size, time and
 * redirects the same way. The clients are small adapters that choose the limits and messages.
 */
export interface HttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** Largest response body accepted, counted while it streams in (a LIMITS entry). */
  readonly maxResponseBytes: number;
  /** What that limit is for, named in the message: "a timestamp response". */
  readonly responseName: string;
  /** For one attempt: connecting, every redirect and the whole body. */
  readonly timeoutMs: number;
  /** performance.now() time after which nothing is sent or read; default none. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
  /** 'follow' (up to LIMITS.maxHttpRedirects), or the reason this client follows none. */
  readonly redirects: 'follow' | { readonly refuse: string };
  /** Who is asked, for messages: "The timestamp server". Default: the message starts with the URL. */
  readonly service?: string;
  /** A last sentence for error messages: what the user can do. */
  readonly advice?: string;
  /**
   * Keep the body of a 4xx/5xx answer (bounded by maxResponseBytes) in the HttpError's failure, for
   * services that say in it why they refused (a JSON error document).
   */
  readonly readErrorBody?: boolean;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
  /** The Content-Type header, '' when absent. */
  readonly contentType: string;
}

const USER_AGENT = `nupkg-signing/${VERSION}`;

/**
 * Sends one request, follows the redirects its policy allows, and returns a 2xx answer with its
 * body. Anything else throws an HttpError (NUPKG006) naming the URL asked.
 */
export async function sendHttpRequest(request: HttpRequest): Promise<HttpAnswer> {
  const shown = displayUrl(request.url);
  const failed = (failure: HttpFailure, at?: URL) =>
    new HttpError(failure, {
      service: request.service,
      url: shown,
      ...(at === undefined ? {} : { redirectedTo: displayUrl(at) }),
      advice: request.advice,
    });
  const first = checkHttpUrl(request.url, request.service ?? 'The URL');
  const remaining = (request.deadline ?? Infinity) - performance.now();
  if (remaining <= 0) throw failed({ kind: 'deadline' });
  if (request.signal?.aborted) throw failed({ kind: 'aborted' });
  const timeoutMs = Math.max(1, Math.floor(Math.min(request.timeoutMs, remaining)));

  // One controller for the attempt: the timeout and the caller's signal both end it.
  const controller = new AbortController();
  const timeout = new ExchangeFailure({ kind: 'timeout', ms: timeoutMs });
  const timer = setTimeout(() => controller.abort(timeout), timeoutMs);
  const cancel = () => controller.abort(new ExchangeFailure({ kind: 'aborted' }));
  request.signal?.addEventListener('abort', cancel, { once: true });
  try {
    return await follow(request, first, controller.signal);
  } catch (error) {
    if (error instanceof ExchangeFailure) throw failed(error.failure, error.at);
    throw error;
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', cancel);
  }
}

async function follow(request: HttpRequest, first: URL, signal: AbortSignal): Promise<HttpAnswer> {
  let hop: Hop = {
    url: first,
    method: request.method,
    headers: { 'User-Agent': USER_AGENT, ...request.headers },
    body: request.body,
  };
  const visited = new Set([first.href]);
  const limit = {
    maxBytes: request.maxResponseBytes,
    name: request.responseName,
    readErrorBody: request.readErrorBody === true,
  };
  const policy =
    request.redirects === 'follow' ? { maxHops: LIMITS.maxHttpRedirects } : request.redirects;
  for (;;) {
    const answer = await exchange(hop, limit, signal).catch((error: unknown) => {
      // After a redirect, say which URL failed (a timeout rejects with an ExchangeFailure too).
      const redirected = error instanceof ExchangeFailure && hop.url !== first;
      throw redirected ? new ExchangeFailure(error.failure, hop.url) : error;
    });
    if (isRedirect(answer.status)) {
      const step = nextHop(hop, answer.status, answer.headers.location, visited, policy);
      if (!step.follow) {
        const at = hop.url === first ? undefined : hop.url;
        throw new ExchangeFailure({ kind: 'redirect', status: answer.status, ...step }, at);
      }
      hop = step.hop;
      visited.add(hop.url.href);
      continue;
    }
    if (answer.body === undefined || answer.status < 200 || answer.status > 299) {
      throw new ExchangeFailure(
        {
          kind: 'status',
          status: answer.status,
          statusText: answer.statusText,
          retryAfterMs: retryAfterMs(answer.headers['retry-after'], answer.headers.date),
          credentialsSent: Object.keys(hop.headers).some(
            (h) => h.toLowerCase() === 'authorization',
          ),
          ...(answer.body === undefined ? {} : { body: answer.body }),
        },
        hop.url === first ? undefined : hop.url,
      );
    }
    const contentType = answer.headers['content-type'] ?? '';
    return { status: answer.status, headers: answer.headers, body: answer.body, contentType };
  }
}
