/**
 * A fake GitHub REST API on 127.0.0.1 for the check-run endpoints, recording every request, so
 * the action's real Octokit client can be tested over real HTTP.
 *
 *   const api = await startFakeGitHubApi();            // or { failWith: 403 }
 *   try { ... GITHUB_API_URL: api.url ... api.requests ... } finally { await api.close(); }
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: Record<string, unknown>;
}

export interface FakeGitHubApiOptions {
  /** Answer every request with this status, as GitHub does for a token without permission. */
  failWith?: number;
}

export interface FakeGitHubApi {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

const CHECK_RUNS = /^\/repos\/([^/]+)\/([^/]+)\/check-runs(?:\/(\d+))?$/;

export async function startFakeGitHubApi(
  options: FakeGitHubApiOptions = {},
): Promise<FakeGitHubApi> {
  const requests: RecordedRequest[] = [];
  let nextId = 4242;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const text = await readBody(request);
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push({
      method: request.method ?? '',
      path,
      authorization: request.headers.authorization,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    });
    const reply = (status: number, body: object) =>
      response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (options.failWith) {
      reply(options.failWith, { message: 'Resource not accessible by integration' });
      return;
    }
    const match = CHECK_RUNS.exec(path);
    if (match && request.method === 'POST' && !match[3]) {
      const id = nextId++;
      reply(201, { id, html_url: `https://github.test/${match[1]}/${match[2]}/runs/${id}` });
    } else if (match && request.method === 'PATCH' && match[3]) {
      reply(200, { id: Number(match[3]) });
    } else {
      reply(404, { message: 'Not Found' });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The variables that point the action's check run at `url`, for contoso/widgets at commit a…a. */
export function checkRunVariables(
  url: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    GITHUB_API_URL: url,
    GITHUB_REPOSITORY: 'contoso/widgets',
    GITHUB_SHA: 'a'.repeat(40),
    ...extra,
  };
}
