import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HttpFailure } from './failure.js';

/** One request to one URL: no redirects followed, no retries (request.ts does those). */
export interface Hop {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | undefined;
}

export interface Answer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  /** The body of a 2xx answer; others are read only when the limit asks (`readErrorBody`). */
  readonly body: Uint8Array | undefined;
}

/**
 * A failure of one exchange, thrown so that request.ts can add the URL and context; `at` is the
 * URL that failed when redirects led away from the one asked.
 */
export class ExchangeFailure extends Error {
  constructor(
    readonly failure: HttpFailure,
    readonly at?: URL,
  ) {
    super(failure.kind);
  }
}

export interface BodyLimit {
  readonly maxBytes: number;
  readonly name: string;
  /** Also read the body of a non-2xx answer (same limit), for services that explain errors in it. */
  readonly readErrorBody?: boolean;
}

/**
 * Sends one request with Node's http/https client and reads a 2xx body while counting it: the
 * moment the count passes `limit.maxBytes` the socket is destroyed, so a server that streams
 * without end costs at most the limit in memory. A Content-Length above the limit is refused
 * before any body byte is read. `signal` (the caller's timeout and cancellation) destroys the
 * socket at any point and rejects with `signal.reason`.
 *
 * No keep-alive (agent: false): each request has its own connection, closed when it ends, so
 * nothing outlives the request and holds the process open. No Accept-Encoding: answers arrive
 * as sent, so the count is of the bytes that cross the network and nothing is inflated.
 */
export function exchange(hop: Hop, limit: BodyLimit, signal: AbortSignal): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (failure: HttpFailure) => {
      finish(() => reject(new ExchangeFailure(failure)));
      outgoing.destroy();
    };
    const onAbort = () => {
      finish(() => reject(signal.reason));
      outgoing.destroy();
    };

    const headers: Record<string, string> = { ...hop.headers };
    if (hop.body !== undefined) headers['Content-Length'] = String(hop.body.byteLength);
    const send = hop.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(hop.url, { method: hop.method, headers, agent: false });

    let answered: IncomingMessage | undefined;
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      // Bytes after a complete answer (a Content-Length that lied low) are not part of it: the
      // parser complains about them, but the answer already ended where HTTP framing says.
      if (answered?.complete) return;
      fail({ kind: 'network', detail: error.code ?? error.message });
    });
    outgoing.on('response', (incoming) => {
      answered = incoming;
      const status = incoming.statusCode ?? 0;
      const head = {
        status,
        statusText: printable(incoming.statusMessage ?? ''),
        headers: incoming.headers,
      };
      if ((status < 200 || status > 299) && !(limit.readErrorBody && status >= 400)) {
        finish(() => resolve({ ...head, body: undefined }));
        outgoing.destroy();
        return;
      }
      readBody(incoming, limit, fail, (body) => finish(() => resolve({ ...head, body })));
    });

    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    outgoing.end(hop.body === undefined ? undefined : Buffer.from(hop.body));
  });
}

function readBody(
  incoming: IncomingMessage,
  limit: BodyLimit,
  fail: (failure: HttpFailure) => void,
  done: (body: Uint8Array) => void,
): void {
  const tooLarge = (declared: number | undefined) =>
    fail({ kind: 'too-large', limit: limit.maxBytes, limitName: limit.name, declared });
  const declared = contentLength(incoming.headers['content-length']);
  if (declared !== undefined && declared > limit.maxBytes) return tooLarge(declared);

  const chunks: Buffer[] = [];
  let total = 0;
  let ended = false;
  incoming.on('data', (chunk: Buffer) => {
    total += chunk.byteLength;
    if (total > limit.maxBytes) return tooLarge(declared);
    chunks.push(chunk);
  });
  incoming.on('end', () => {
    ended = true;
    if (total <= limit.maxBytes) done(new Uint8Array(Buffer.concat(chunks, total)));
  });
  incoming.on('error', (error: NodeJS.ErrnoException) =>
    fail({ kind: 'network', detail: error.code ?? error.message }),
  );
  incoming.on('close', () => {
    if (!ended) fail({ kind: 'network', detail: 'the connection closed before the answer ended' });
  });
}

function contentLength(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** A reason phrase is server-chosen text: printable ASCII only, and short. */
function printable(text: string): string {
  return text
    .replace(/[^\x20-\x7e]/g, '')
    .trim()
    .slice(0, 64);
}
