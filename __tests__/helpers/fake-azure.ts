/**
 * Azure's signing path on 127.0.0.1, speaking the documented wire protocols: GitHub's OIDC token
 * endpoint (`GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=…` → `{"value": JWT}`), Entra ID's token
 * endpoint (`POST /{tenant}/oauth2/v2.0/token`, client credentials with a client secret or a
 * jwt-bearer client assertion) and Key Vault's data plane (api-version 7.4: GET certificate, GET
 * key, POST key sign; a 401 challenge without a token). The signing keys live only here.
 *
 *   const azure = await startFakeAzure({ tenantId, clientId, clientSecret, subject });
 *   azure.addCertificate('release', leafCertificate, { privateKey });
 *   azure.throttleNext = 1; azure.expireTokens();
 */
import {
  createSign,
  createVerify,
  generateKeyPairSync,
  privateEncrypt,
  randomBytes,
  constants,
  type KeyObject,
} from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** PKCS#1 v1.5 DigestInfo prefixes (RFC 8017 §9.2 note 1), written out so the fake shares no code with the signer. */
const DIGEST_INFO_PREFIX: Record<string, { prefix: string; length: number }> = {
  RS256: { prefix: '3031300d060960864801650304020105000420', length: 32 },
  RS384: { prefix: '3041300d060960864801650304020205000430', length: 48 },
  RS512: { prefix: '3051300d060960864801650304020305000440', length: 64 },
};

export interface FakeAzureOptions {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The federated credential's subject the OIDC token must carry. */
  readonly subject: string;
}

export interface FakeCertificate {
  /** Key type the vault reports; default RSA-HSM. */
  readonly kty?: string;
  /** The private key behind the certificate; absent: the key cannot be found (404). */
  readonly privateKey?: KeyObject;
  /** Default true; false: the certificate answer has no kid. */
  readonly hasKid?: boolean;
  /** Default ['sign', 'verify']. */
  readonly keyOps?: readonly string[];
}

export interface FakeAzure {
  readonly url: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN for the fake GitHub endpoint. */
  readonly oidcRequestUrl: string;
  readonly oidcRequestToken: string;
  /** Each request as "METHOD path" (no query, no body), in order. */
  readonly requests: string[];
  /** Answer the next n Key Vault requests with 429 and Retry-After: 1. */
  throttleNext: number;
  /** The subject GitHub's fake puts into its tokens (a job the federated credential does not name). */
  issuedSubject: string;
  addCertificate(name: string, der: Uint8Array, options?: FakeCertificate): void;
  /** Every token issued so far stops being accepted, as when it expires. */
  expireTokens(): void;
  /** An access token as `az account get-access-token` would give it. */
  issueAccessToken(): string;
  close(): Promise<void>;
}

interface Stored extends FakeCertificate {
  readonly der: Uint8Array;
  readonly version: string;
}

export async function startFakeAzure(options: FakeAzureOptions): Promise<FakeAzure> {
  const oidcKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const oidcRequestToken = randomBytes(16).toString('hex');
  const certificates = new Map<string, Stored>();
  const validTokens = new Set<string>();
  const requests: string[] = [];
  let origin = '';

  const issueAccessToken = () => {
    const token = `kv-${randomBytes(24).toString('hex')}`;
    validTokens.add(token);
    return token;
  };

  const state = {
    throttleNext: 0,
    issuedSubject: options.subject,
  };

  const githubToken = (audience: string): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: 'fake-github' };
    const payload = {
      iss: GITHUB_ISSUER,
      aud: audience,
      sub: state.issuedSubject,
      iat: now,
      nbf: now - 5,
      exp: now + 300,
      repository: 'contoso/widgets',
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const signature = createSign('sha256').update(signingInput).sign(oidcKey.privateKey);
    return `${signingInput}.${signature.toString('base64url')}`;
  };

  /** What Entra ID checks of a federated client assertion: a GitHub JWT for this credential. */
  const assertionProblem = (assertion: string | null): string | undefined => {
    const parts = (assertion ?? '').split('.');
    if (parts.length !== 3) return 'not a JWT';
    const [head, body, signature] = parts as [string, string, string];
    let header: Record<string, unknown>;
    let payload: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
    } catch {
      return 'unreadable JWT';
    }
    if (header.alg !== 'RS256') return 'alg';
    const verified = createVerify('sha256')
      .update(`${head}.${body}`)
      .verify(oidcKey.publicKey, Buffer.from(signature, 'base64url'));
    if (!verified) return 'signature';
    if (payload.iss !== GITHUB_ISSUER) return 'issuer';
    if (payload.aud !== 'api://AzureADTokenExchange') return 'audience';
    if (payload.sub !== options.subject) return 'subject';
    if (typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now()) return 'expired';
    return undefined;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', origin);
    requests.push(`${request.method ?? ''} ${url.pathname}`);
    const body = await readBody(request);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      response.end(JSON.stringify(value));
    };

    // GitHub's OIDC token endpoint.
    if (url.pathname === '/github/idtoken') {
      if (request.headers.authorization !== `Bearer ${oidcRequestToken}`) {
        return json(401, { message: 'Bad credentials' });
      }
      const audience = url.searchParams.get('audience');
      if (url.searchParams.get('api-version') !== '2.0' || !audience) {
        return json(400, { message: 'missing audience' });
      }
      return json(200, { count: 1, value: githubToken(audience) });
    }

    // Entra ID's token endpoint.
    if (url.pathname === `/${options.tenantId}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(body.toString('utf8'));
      const error = (status: number, code: string, description: string) =>
        json(status, { error: code, error_description: description, error_codes: [] });
      if (
        request.method !== 'POST' ||
        !request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
      ) {
        return error(400, 'invalid_request', 'AADSTS900144: form body required');
      }
      if (form.get('grant_type') !== 'client_credentials') {
        return error(400, 'unsupported_grant_type', 'AADSTS70003');
      }
      if (form.get('scope') !== 'https://vault.azure.net/.default') {
        return error(400, 'invalid_scope', 'AADSTS70011');
      }
      if (form.get('client_id') !== options.clientId) {
        return error(400, 'unauthorized_client', 'AADSTS700016: application not found');
      }
      if (form.has('client_secret')) {
        if (form.get('client_secret') !== options.clientSecret) {
          return error(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.');
        }
      } else {
        if (
          form.get('client_assertion_type') !==
          'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
        ) {
          return error(400, 'invalid_request', 'AADSTS90014: client_assertion_type missing');
        }
        const problem = assertionProblem(form.get('client_assertion'));
        if (problem !== undefined) {
          return error(
            400,
            'invalid_client',
            `AADSTS70021: No matching federated identity record found (${problem}).`,
          );
        }
      }
      return json(200, {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: issueAccessToken(),
      });
    }

    // Key Vault's data plane.
    if (url.searchParams.get('api-version') !== '7.4') {
      return json(400, { error: { code: 'BadParameter', message: 'api-version' } });
    }
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined || !validTokens.has(token)) {
      return json(
        401,
        {
          error: {
            code: 'Unauthorized',
            message:
              token === undefined
                ? 'AKV10000: Request is missing a Bearer or PoP token.'
                : 'AKV10022: Invalid audience or expired token.',
          },
        },
        {
          'WWW-Authenticate': `Bearer authorization="${origin}/${options.tenantId}", resource="https://vault.azure.net"`,
        },
      );
    }
    if (state.throttleNext > 0) {
      state.throttleNext -= 1;
      return json(
        429,
        {
          error: {
            code: 'Throttled',
            message: 'Request was not processed because too many requests were received.',
          },
        },
        { 'Retry-After': '1' },
      );
    }
    const certificateMatch = /^\/certificates\/([A-Za-z0-9-]+)(?:\/([A-Za-z0-9]+))?$/.exec(
      url.pathname,
    );
    if (request.method === 'GET' && certificateMatch) {
      const stored = certificates.get(certificateMatch[1] ?? '');
      if (
        stored === undefined ||
        (certificateMatch[2] !== undefined && certificateMatch[2] !== stored.version)
      ) {
        return json(404, {
          error: {
            code: 'CertificateNotFound',
            message: 'A certificate with (name/id) was not found in this key vault.',
          },
        });
      }
      const name = certificateMatch[1] ?? '';
      return json(200, {
        id: `${origin}/certificates/${name}/${stored.version}`,
        ...(stored.hasKid === false ? {} : { kid: `${origin}/keys/${name}/${stored.version}` }),
        sid: `${origin}/secrets/${name}/${stored.version}`,
        x5t: 'ignored',
        cer: Buffer.from(stored.der).toString('base64'),
        attributes: { enabled: true, recoveryLevel: 'Recoverable' },
        policy: {
          key_props: {
            exportable: false,
            kty: stored.kty ?? 'RSA-HSM',
            key_size: 2048,
            reuse_key: false,
          },
        },
      });
    }
    const keyMatch = /^\/keys\/([A-Za-z0-9-]+)\/([A-Za-z0-9]+)(\/sign)?$/.exec(url.pathname);
    const stored = keyMatch ? certificates.get(keyMatch[1] ?? '') : undefined;
    if (
      keyMatch === null ||
      stored === undefined ||
      stored.privateKey === undefined ||
      keyMatch[2] !== stored.version
    ) {
      return json(404, {
        error: {
          code: 'KeyNotFound',
          message: 'A key with (name/id) was not found in this key vault.',
        },
      });
    }
    if (request.method === 'GET' && keyMatch[3] === undefined) {
      const jwk = stored.privateKey.export({ format: 'jwk' });
      return json(200, {
        key: {
          kid: `${origin}${url.pathname}`,
          kty: stored.kty ?? 'RSA-HSM',
          key_ops: stored.keyOps ?? ['sign', 'verify'],
          n: jwk.n,
          e: jwk.e,
          crv: jwk.crv,
          x: jwk.x,
          y: jwk.y,
        },
        attributes: { enabled: true },
      });
    }
    if (request.method === 'POST' && keyMatch[3] === '/sign') {
      let sign: { alg?: unknown; value?: unknown };
      try {
        sign = JSON.parse(body.toString('utf8')) as { alg?: unknown; value?: unknown };
      } catch {
        return json(400, { error: { code: 'BadParameter', message: 'JSON' } });
      }
      const algorithm = typeof sign.alg === 'string' ? DIGEST_INFO_PREFIX[sign.alg] : undefined;
      const digest =
        typeof sign.value === 'string' ? Buffer.from(sign.value, 'base64url') : undefined;
      if (
        algorithm === undefined ||
        digest?.length !== algorithm.length ||
        !(stored.kty ?? 'RSA-HSM').startsWith('RSA')
      ) {
        return json(400, {
          error: { code: 'BadParameter', message: 'Invalid algorithm or digest.' },
        });
      }
      const signature = privateEncrypt(
        { key: stored.privateKey, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([Buffer.from(algorithm.prefix, 'hex'), digest]),
      );
      return json(200, {
        kid: `${origin}/keys/${keyMatch[1] ?? ''}/${stored.version}`,
        value: signature.toString('base64url'),
      });
    }
    return json(405, { error: { code: 'MethodNotAllowed', message: '' } });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    oidcRequestUrl: `${origin}/github/idtoken?api-version=2.0`,
    oidcRequestToken,
    requests,
    get throttleNext() {
      return state.throttleNext;
    },
    set throttleNext(value: number) {
      state.throttleNext = value;
    },
    get issuedSubject() {
      return state.issuedSubject;
    },
    set issuedSubject(value: string) {
      state.issuedSubject = value;
    },
    addCertificate: (name, der, certificate = {}) =>
      certificates.set(name, { ...certificate, der, version: randomBytes(16).toString('hex') }),
    expireTokens: () => validTokens.clear(),
    issueAccessToken,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1024 * 1024) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
