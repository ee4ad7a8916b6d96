import { NupkgSigningError } from '../../errors.js';
import { HttpError } from '../../http/failure.js';
import type { HttpRequest } from '../../http/request.js';
import { sendWithRetries, type RetryPolicy } from '../../http/retry.js';
import { displayUrl } from '../../http/url.js';

/**
 * Largest answer accepted from Entra ID, GitHub's token service or Key Vault. Their answers are
 * small JSON documents (a certificate with its policy is a few KiB); 256 KiB leaves room for a
 * long chain without letting a hostile server fill memory.
 */
export const MAX_AZURE_ANSWER_BYTES = 256 * 1024;

/**
 * Throttling (429 with Retry-After) and 5xx heal by themselves: Key Vault documents that a
 * throttled client waits the Retry-After time. Network errors and timeouts are retried too.
 */
export const AZURE_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  honourRetryAfter: true,
};

export interface AzureJsonRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** Who is asked, for messages: "Azure Key Vault". */
  readonly service: string;
  /** What the answer is, for the size-limit message: "a Key Vault certificate". */
  readonly responseName: string;
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
}

/**
 * One request through src/http (bounded size and time, retried as AZURE_RETRY_POLICY says, no
 * redirects so that a bearer token goes only where it was meant to) whose 2xx answer must be a
 * JSON object. Non-2xx answers throw the HttpError; callers turn the statuses they understand
 * into messages that say what to fix (see `httpStatus`).
 */
export async function requestJson(request: AzureJsonRequest): Promise<Record<string, unknown>> {
  const http: HttpRequest = {
    url: request.url,
    method: request.method,
    headers: { Accept: 'application/json', ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
    maxResponseBytes: MAX_AZURE_ANSWER_BYTES,
    responseName: request.responseName,
    timeoutMs: request.timeoutMs ?? 30_000,
    redirects: {
      refuse: `${request.service} is asked with a bearer token or a credential, which must not follow a redirect to another URL`,
    },
    service: request.service,
  };
  const answer = await sendWithRetries(http, { ...AZURE_RETRY_POLICY, ...request.retry });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(answer.body).toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new NupkgSigningError(
      'NU3001',
      `${request.service} ${displayUrl(request.url)} answered with something that is not a JSON object.`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** The HTTP status of a refused request, or undefined for every other failure. */
export function httpStatus(error: unknown): number | undefined {
  return error instanceof HttpError && error.failure.kind === 'status'
    ? error.failure.status
    : undefined;
}

/** A string member of a JSON answer, or undefined. */
export function stringField(object: unknown, name: string): string | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const value = (object as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Bytes from base64 or base64url text (Azure uses both), or undefined when it is neither. */
export function decodeBase64(text: string | undefined): Uint8Array | undefined {
  if (text === undefined || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.length === 0) {
    return undefined;
  }
  return new Uint8Array(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}
