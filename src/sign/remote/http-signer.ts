import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';
import { sha256Fingerprint } from '../../crypto.js';
import { NupkgSigningError } from '../../errors.js';
import type { HashAlgorithmName } from '../../signature/hash-algorithms.js';
import type { DigestSigner } from '../signer.js';
import { buildRemoteSignRequest, MAX_ANSWER_BYTES, parseSignatureAnswer } from './protocol.js';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpSignerOptions {
  /** https URL; plain http only for loopback hosts, so a bearer token never crosses a network in clear. */
  readonly url: string;
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly keyId?: string;
  /** Sent as `Authorization: Bearer …`; never logged or put in messages. */
  readonly bearerToken?: string;
  /** Per attempt; default 30 s. */
  readonly timeoutMs?: number;
  /** Extra attempts for network errors, 408, 429 and 5xx; default 2. */
  readonly retries?: number;
  readonly fetchImpl?: FetchLike;
  readonly sleep?: (ms: number) => Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Signs digests by POSTing the remote signing request as JSON to a key service
 * (docs/remote-signing.md) and reading `{"signature": "<base64>"}` back.
 */
export class HttpSigner implements DigestSigner {
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly #token: string | undefined;
  readonly #options: Omit<HttpSignerOptions, 'bearerToken'>;
  /** The URL without credentials or query, for messages. */
  readonly #label: string;

  constructor(options: HttpSignerOptions) {
    const { bearerToken, ...rest } = options;
    this.#label = checkUrl(options.url);
    this.#token = bearerToken;
    this.#options = rest;
    this.certificate = options.certificate;
    this.chain = options.chain;
  }

  async signDigest(digest: Uint8Array, hashAlgorithm: HashAlgorithmName): Promise<Uint8Array> {
    const request = buildRemoteSignRequest(
      digest,
      hashAlgorithm,
      sha256Fingerprint(this.certificate),
      this.#options.keyId,
    );
    const body = JSON.stringify(request);
    const retries = this.#options.retries ?? 2;
    const sleep = this.#options.sleep ?? ((ms: number) => delay(ms));
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(body);
      if (typeof outcome === 'string') return parseSignatureAnswer(outcome, this.#label);
      if (!outcome.retryable || attempt >= retries) {
        throw new NupkgSigningError(
          outcome.code,
          `The remote signer ${this.#label} failed: ${outcome.why}.`,
        );
      }
      await sleep(250 * 2 ** attempt);
    }
  }

  private async attempt(
    body: string,
  ): Promise<string | { retryable: boolean; why: string; code: 'NU3001' | 'NUPKG006' }> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    if (this.#token !== undefined) headers['Authorization'] = `Bearer ${this.#token}`;
    const fetchImpl = this.#options.fetchImpl ?? fetch;
    let response: Response;
    try {
      response = await fetchImpl(this.#options.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'error', // a redirect would resend the token to another place
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const detail = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const why = detail instanceof Error ? detail.message : String(detail);
      return { retryable: true, why: `network error (${why})`, code: 'NUPKG006' };
    }
    const status = response.status;
    const text = await response.text();
    if (!response.ok) {
      const hint = status === 401 || status === 403 ? ' (check the bearer token)' : '';
      return {
        retryable: status === 408 || status === 429 || status >= 500,
        why: `HTTP ${status}${hint}`,
        code: 'NUPKG006',
      };
    }
    if (text.length > MAX_ANSWER_BYTES) {
      return { retryable: false, why: 'the answer is far larger than a signature', code: 'NU3001' };
    }
    return text;
  }

  toString(): string {
    return `HttpSigner(${this.#label}${this.#token === undefined ? '' : ', bearer token redacted'})`;
  }

  toJSON(): { type: string; url: string } {
    return { type: 'HttpSigner', url: this.#label };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NupkgSigningError('NUPKG003', 'The sign URL is not an absolute URL.');
  }
  const label = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  const loopback = LOOPBACK_HOSTS.has(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `The sign URL ${label} must use https (plain http is accepted only for 127.0.0.1, localhost and [::1]).`,
    );
  }
  return label;
}
