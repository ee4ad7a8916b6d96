import { inspect } from 'node:util';
import { sha256Fingerprint } from '../../fingerprint.js';
import { NupkgSigningError } from '../../errors.js';
import { HttpError } from '../../http/failure.js';
import type { HttpAnswer } from '../../http/request.js';
import { sendWithRetries, STANDARD_BACKOFF } from '../../http/retry.js';
import { checkHttpUrl, displayUrl } from '../../http/url.js';
import { LIMITS } from '../../limits.js';
import type { HashAlgorithmName } from '../../hash-algorithms.js';
import type { DigestSigner } from '../signer.js';
import { buildRemoteSignRequest, parseSignatureAnswer } from './protocol.js';

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
  readonly sleep?: (ms: number) => Promise<void>;
}

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
    // Credentials in the URL are refused when a digest is sent (the edge checks every
    // request); until then the signer prints itself without them.
    const url = checkHttpUrl(options.url, 'The sign URL', {
      httpsUnlessLoopback: true,
      refuseCredentials: false,
    });
    this.#label = displayUrl(url);
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
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    if (this.#token !== undefined) headers['Authorization'] = `Bearer ${this.#token}`;
    let answer: HttpAnswer;
    try {
      answer = await sendWithRetries(
        {
          url: this.#options.url,
          method: 'POST',
          headers,
          body: new TextEncoder().encode(JSON.stringify(request)),
          maxResponseBytes: LIMITS.maxRemoteSignerAnswerBytes,
          responseName: 'a remote signer answer',
          timeoutMs: this.#options.timeoutMs ?? 30_000,
          redirects: {
            refuse:
              'the remote signer follows no redirect, so that the bearer token goes only to the URL given; give the final URL with --sign-url',
          },
          service: 'The remote signer',
        },
        {
          retries: this.#options.retries ?? 2,
          ...STANDARD_BACKOFF,
          honourRetryAfter: false,
          ...(this.#options.sleep === undefined ? {} : { sleep: this.#options.sleep }),
        },
      );
    } catch (error) {
      // A 2xx answer that is no signature is NU3001 (docs/remote-signing.md), a huge one too.
      if (error instanceof HttpError && error.failure.kind === 'too-large') {
        throw new NupkgSigningError('NU3001', error.message, { cause: error });
      }
      throw error;
    }
    return parseSignatureAnswer(Buffer.from(answer.body).toString('utf8'), this.#label);
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
