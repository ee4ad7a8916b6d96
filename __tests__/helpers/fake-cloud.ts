/**
 * What the fake AWS and Google key services share: a loopback HTTP server with a request log,
 * GitHub's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), a key pair that only the fake
 * holds, and RSASSA-PKCS1-v1_5 over a digest written from RFC 8017 (independent of src/).
 */
import { constants, generateKeyPairSync, privateEncrypt, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Handler = (request: LoggedRequest, response: ServerResponse) => void | Promise<void>;

export interface FakeServer {
  readonly url: string;
  readonly log: LoggedRequest[];
  close(): Promise<void>;
}

export async function startFakeServer(handler: Handler): Promise<FakeServer> {
  const log: LoggedRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: LoggedRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      log.push(request);
      Promise.resolve(handler(request, response)).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** GitHub's OIDC token service: GET ?audience=…, `Authorization: Bearer <request token>`. */
export const GITHUB_OIDC_PATH = '/_github/oidc-token';
export const OIDC_REQUEST_TOKEN = 'gh-request-token-5e1f0c7a';

/** A JWT-shaped token per audience, so a test can tell which one reached which service. */
export function oidcTokenFor(audience: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ aud: audience, sub: 'repo:octo/pkg:ref:refs/heads/main', iss: 'https://token.actions.githubusercontent.com' })}.c2VjcmV0LXNpZ25hdHVyZQ`;
}

/** Answers the OIDC route; returns false for other paths. */
export function answerGitHubOidc(request: LoggedRequest, response: ServerResponse): boolean {
  const url = new URL(request.path, 'http://x');
  if (url.pathname !== GITHUB_OIDC_PATH) return false;
  if (request.headers.authorization !== `Bearer ${OIDC_REQUEST_TOKEN}`) {
    sendJson(response, 401, { message: 'bad request token' });
    return true;
  }
  sendJson(response, 200, { value: oidcTokenFor(url.searchParams.get('audience') ?? '') });
  return true;
}

/** The variables a GitHub runner sets for a job with `permissions: id-token: write`. */
export function githubOidcEnvironment(server: FakeServer): Record<string, string> {
  return {
    ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}${GITHUB_OIDC_PATH}?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: OIDC_REQUEST_TOKEN,
  };
}

export interface ServiceKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function generateServiceKey(type: 'rsa' | 'ec' = 'rsa'): ServiceKey {
  return type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** RFC 8017 §9.2 note 1: the DER DigestInfo prefixes for SHA-256/384/512. */
const DIGEST_INFO_PREFIX: Record<number, string> = {
  32: '3031300d060960864801650304020105000420',
  48: '3041300d060960864801650304020205000430',
  64: '3051300d060960864801650304020305000440',
};

/** RSASSA-PKCS1-v1_5 over a precomputed digest, as a KMS "sign digest" call makes it. */
export function signDigestPkcs1(key: KeyObject, digest: Buffer): Buffer {
  const prefix = DIGEST_INFO_PREFIX[digest.length];
  if (prefix === undefined) throw new Error(`no DigestInfo for a ${digest.length}-byte digest`);
  const block = Buffer.concat([Buffer.from(prefix, 'hex'), digest]);
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, block);
}

/** CRC32C bit by bit (Castagnoli, reflected 0x82F63B78): slow, obviously right. */
export function crc32cReference(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
