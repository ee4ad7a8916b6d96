/**
 * HTTP servers on 127.0.0.1 that misbehave the way a hostile or broken TSA, OCSP responder, CRL
 * host or key service can: endless bodies, lying Content-Length, hanging after the headers,
 * throttling, redirects anywhere. Each records what it received and how much it managed to send.
 *
 *   const server = await startHostileServer(endlessBody());
 *   try { ... server.url ... } finally { await server.close(); }
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRequest } from '../../src/http/request.js';
import { LIMITS } from '../../src/limits.js';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** Answers one request; `sent` counts the body bytes the server managed to write. */
export type HostileHandler = (
  request: ReceivedRequest,
  response: ServerResponse,
  sent: { bytes: number },
) => void;

export interface HostileServer {
  /** Base URL with a path, e.g. http://127.0.0.1:1234/endpoint. */
  readonly url: string;
  readonly origin: string;
  readonly requests: ReceivedRequest[];
  /** Body bytes written so far, over all requests. */
  readonly bytesSent: number;
  close(): Promise<void>;
}

export async function startHostileServer(handler: HostileHandler): Promise<HostileServer> {
  const requests: ReceivedRequest[] = [];
  const sent = { bytes: 0 };
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      response.on('error', () => undefined);
      handler(request, response, sent);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/endpoint`,
    origin,
    requests,
    get bytesSent() {
      return sent.bytes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The body bytes `server` sent once it stopped sending (it stops when the client has closed the
 * connection and its last buffered writes failed); undefined if it was still sending after 400 ms.
 */
export async function bytesSentWhenStopped(server: HostileServer): Promise<number | undefined> {
  const pause = () => new Promise((resolve) => setTimeout(resolve, 200));
  await pause();
  const sent = server.bytesSent;
  await pause();
  return server.bytesSent === sent ? sent : undefined;
}

/**
 * For a test file: `serve(handler)` starts a hostile server that is closed after each test.
 *
 *   const serve = serversClosedAfterEach();
 *   const server = await serve(streamBody());
 */
export function serversClosedAfterEach(): (handler: HostileHandler) => Promise<HostileServer> {
  const started: HostileServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return async (handler) => {
    const server = await startHostileServer(handler);
    started.push(server);
    return server;
  };
}

/** A TimeStampReq POST to `url` as the timestamp client sends it, for tests of the edge. */
export function timestampPost(url: string, overrides: Partial<HttpRequest> = {}): HttpRequest {
  return {
    url,
    method: 'POST',
    headers: { 'Content-Type': 'application/timestamp-query' },
    body: Buffer.from('the request'),
    maxResponseBytes: LIMITS.maxTimestampResponseBytes,
    responseName: 'a timestamp response',
    timeoutMs: 5_000,
    redirects: 'follow',
    service: 'The timestamp server',
    ...overrides,
  };
}

const CHUNK = Buffer.alloc(64 * 1024, 0x41);

/**
 * Writes `total` bytes (default: without end) as fast as the client reads them, with the given
 * headers (none: no Content-Length, so the body ends when the connection does).
 */
export function streamBody(
  options: { total?: number; headers?: Record<string, string> } = {},
): HostileHandler {
  return (_request, response, sent) => {
    response.writeHead(200, { 'Content-Type': 'application/octet-stream', ...options.headers });
    let left = options.total ?? Infinity;
    const pump = (): void => {
      while (left > 0 && !response.destroyed) {
        const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= chunk.length;
        sent.bytes += chunk.length;
        if (!response.write(chunk)) {
          response.once('drain', pump);
          return;
        }
      }
      if (left <= 0) response.end();
    };
    pump();
  };
}

/** Sends the status line and headers, then nothing: neither body nor end. */
export function hangAfterHeaders(headers: Record<string, string> = {}): HostileHandler {
  return (_request, response) => {
    response.writeHead(200, headers);
    response.flushHeaders();
  };
}

/** Redirects with `status` to `location` (a function gets the request, e.g. to count hops). */
export function redirectTo(
  status: number,
  location: string | ((request: ReceivedRequest) => string),
): HostileHandler {
  return (request, response) => {
    const target = typeof location === 'string' ? location : location(request);
    response.writeHead(status, { Location: target }).end('moved');
  };
}

/** `failures` answers with `status` (and Retry-After when given), then `then`. */
export function failThen(
  failures: number,
  status: number,
  retryAfter: string | undefined,
  then: HostileHandler,
): HostileHandler {
  let left = failures;
  return (request, response, sent) => {
    if (left-- > 0) {
      response.writeHead(status, retryAfter ? { 'Retry-After': retryAfter } : {}).end('later');
      return;
    }
    then(request, response, sent);
  };
}

/** Answers 200 with `body` and an honest Content-Length. */
export function answer(body: Buffer | string, contentType = 'application/octet-stream') {
  const handler: HostileHandler = (_request, response, sent) => {
    sent.bytes += Buffer.byteLength(body);
    response.writeHead(200, { 'Content-Type': contentType }).end(body);
  };
  return handler;
}
