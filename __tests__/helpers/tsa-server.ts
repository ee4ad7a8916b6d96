/**
 * Serves a test TimestampAuthority over real HTTP on 127.0.0.1, with the failure modes real TSAs
 * show: errors, throttling, slowness, junk bodies, dropped connections.
 *
 *   const server = await startTsaServer(authority, { mode: 'fail-then-ok', failureStatus: 429 });
 *   try { ... server.url ... } finally { await server.close(); }
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TimestampAuthority } from './tsa.js';

export type TsaServerMode =
  /** Answers with the authority's TimeStampResp. */
  | 'ok'
  /** Always HTTP 500. */
  | 'http500'
  /** `failures` times HTTP `failureStatus` (default 503), then like 'ok'. */
  | 'fail-then-ok'
  | 'http429-then-ok'
  | 'http503-then-ok'
  /** Waits `delayMs` before answering like 'ok' (longer than the client's timeout). */
  | 'slow'
  /** HTTP 200 with bytes that are not DER. */
  | 'malformed'
  /** Closes the connection without answering (a network error for the client). */
  | 'reset';

export interface TsaServerOptions {
  mode?: TsaServerMode;
  /** For 'slow'; default 5000 ms. */
  delayMs?: number;
  /** Response Content-Type; real TSAs send application/timestamp-reply or -response. */
  contentType?: string | null;
  /** For the '-then-ok' modes; default 1. */
  failures?: number;
  failureStatus?: number;
  /** Retry-After header value sent with failures. */
  retryAfter?: string;
}

export interface TsaServer {
  readonly url: string;
  /** Bodies of the requests received, in order. */
  readonly requests: Buffer[];
  /** Content-Type headers of the requests received. */
  readonly requestContentTypes: (string | undefined)[];
  close(): Promise<void>;
}

export async function startTsaServer(
  authority: TimestampAuthority,
  options: TsaServerOptions = {},
): Promise<TsaServer> {
  const mode = options.mode ?? 'ok';
  const requests: Buffer[] = [];
  const requestContentTypes: (string | undefined)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let failuresLeft = options.failures ?? 1;
  const failureStatus =
    options.failureStatus ??
    (mode === 'http429-then-ok' ? 429 : mode === 'http503-then-ok' ? 503 : 503);

  const answerWithToken = async (body: Buffer, response: ServerResponse) => {
    const reply = await authority.respond(body);
    const headers: Record<string, string> = {};
    const contentType =
      options.contentType === undefined ? 'application/timestamp-reply' : options.contentType;
    if (contentType !== null) headers['Content-Type'] = contentType;
    response.writeHead(200, headers).end(Buffer.from(reply));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    requests.push(body);
    requestContentTypes.push(request.headers['content-type']);
    switch (mode) {
      case 'http500':
        response.writeHead(500).end('internal error');
        return;
      case 'fail-then-ok':
      case 'http429-then-ok':
      case 'http503-then-ok':
        if (failuresLeft > 0) {
          failuresLeft--;
          const headers = options.retryAfter ? { 'Retry-After': options.retryAfter } : undefined;
          response.writeHead(failureStatus, headers).end('try later');
          return;
        }
        return answerWithToken(body, response);
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!response.destroyed) void answerWithToken(body, response).catch(() => undefined);
        }, options.delayMs ?? 5000);
        timers.add(timer);
        return;
      }
      case 'malformed':
        response.writeHead(200, { 'Content-Type': 'application/timestamp-reply' });
        response.end(Buffer.from('<html>not a timestamp</html>'));
        return;
      case 'reset':
        request.socket.destroy();
        return;
      case 'ok':
        return answerWithToken(body, response);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(599).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/tsa`,
    requests,
    requestContentTypes,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
