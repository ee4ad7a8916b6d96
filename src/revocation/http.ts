import { describeError } from '../errors.js';
import { isHttpUrl } from './locations.js';

/** The part of `fetch` we use, so tests and hosts can supply their own. */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: Uint8Array;
    signal: AbortSignal;
    redirect: 'follow';
  },
) => Promise<Response>;

/** Limits for one run: each request, and all revocation requests together. */
export interface NetworkBudget {
  readonly timeoutMs: number;
  /** Milliseconds left for the whole run (shrinks as requests are made). */
  remainingMs(): number;
  readonly maxBytes: number;
  readonly fetchImpl: FetchLike;
}

/** Why a download failed: refused, timed out, too big, HTTP status; never thrown further. */
export class RevocationFetchError extends Error {}

/**
 * GETs or POSTs `url` within the per-request timeout and what is left of the run's budget, and
 * reads at most `maxBytes` of the answer. Only http and https URLs are fetched.
 */
export async function fetchBounded(
  url: string,
  request: { readonly body?: Uint8Array; readonly contentType?: string; readonly accept: string },
  budget: NetworkBudget,
): Promise<Uint8Array> {
  if (!isHttpUrl(url)) throw new RevocationFetchError(`${url} is not an http(s) URL`);
  const timeoutMs = Math.min(budget.timeoutMs, budget.remainingMs());
  if (timeoutMs <= 0)
    throw new RevocationFetchError('the revocation time budget for this run is spent');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const headers: Record<string, string> = { Accept: request.accept };
    if (request.contentType) headers['Content-Type'] = request.contentType;
    const response = await budget.fetchImpl(url, {
      method: request.body ? 'POST' : 'GET',
      headers,
      ...(request.body ? { body: request.body } : {}),
      signal: controller.signal,
      redirect: 'follow',
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new RevocationFetchError(`${url} answered HTTP ${response.status}`);
    }
    return await readLimited(response, budget.maxBytes, url);
  } catch (error) {
    if (error instanceof RevocationFetchError) throw error;
    if (controller.signal.aborted) {
      throw new RevocationFetchError(`${url} did not answer within ${timeoutMs} ms`);
    }
    throw new RevocationFetchError(`${url} cannot be reached: ${networkReason(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

async function readLimited(response: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new RevocationFetchError(`${url} sent more than ${maxBytes} bytes`);
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new RevocationFetchError(`${url} sent more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Uint8Array.from(Buffer.concat(chunks));
}

/** Node's fetch hides the socket error in `cause` ("fetch failed" → ECONNREFUSED). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? describeError(error);
}
