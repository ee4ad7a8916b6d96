import { constants, createHash, privateEncrypt, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { HttpSigner } from '../../../../src/sign/remote/index.js';
import { createTestPki, type TestPki } from '../../../helpers/pki.js';

/** The HTTP transport against a real key service on 127.0.0.1 that signs with a test key. */
const TOKEN = 'test-bearer-token-4f1c';
let pki: TestPki;

interface KeyService {
  readonly url: string;
  readonly requests: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

type Behaviour = 'ok' | 'fail-once' | 'always-500' | 'bad-json';

async function startKeyService(behaviour: Behaviour = 'ok'): Promise<KeyService> {
  const requests: KeyService['requests'] = [];
  let failures = behaviour === 'fail-once' ? 1 : 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      requests.push({ headers: request.headers, body });
      if (request.headers.authorization !== `Bearer ${TOKEN}`) {
        response.writeHead(401).end('{"error":"unauthorized"}');
      } else if (behaviour === 'always-500' || failures-- > 0) {
        response.writeHead(503).end();
      } else if (behaviour === 'bad-json') {
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"signature":');
      } else {
        const block = Buffer.from(String(body['digestInfo']), 'base64');
        const signature = privateEncrypt(
          { key: pki.leaf.keyObject, padding: constants.RSA_PKCS1_PADDING },
          block,
        );
        response
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ signature: signature.toString('base64') }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sign`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const services: KeyService[] = [];
async function service(behaviour?: Behaviour): Promise<KeyService> {
  const started = await startKeyService(behaviour);
  services.push(started);
  return started;
}

beforeAll(async () => {
  pki = await createTestPki();
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

function subject(url: string, token: string | undefined = TOKEN): HttpSigner {
  return new HttpSigner({
    url,
    certificate: pki.leaf.certificate,
    chain: [],
    keyId: 'key-1',
    ...(token === undefined ? {} : { bearerToken: token }),
    sleep: () => Promise.resolve(),
  });
}

const DIGEST = createHash('sha512').update('attributes').digest();

describe('HttpSigner', () => {
  describe('when the service signs', () => {
    it('POSTs the documented JSON with the bearer token and returns a valid signature', async () => {
      const keyService = await service();
      const signature = await subject(keyService.url).signDigest(DIGEST, 'sha512');
      expect(
        verify(
          'sha512',
          Buffer.from('attributes'),
          { key: pki.leaf.publicKeyObject, padding: constants.RSA_PKCS1_PADDING },
          signature,
        ),
      ).toBe(true);
      const [request] = keyService.requests;
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.body).toEqual({
        digest: DIGEST.toString('base64'),
        hashAlgorithm: 'SHA512',
        digestInfo: expect.any(String),
        certificateFingerprint: pki.leaf.fingerprintSha256,
        keyId: 'key-1',
      });
    });

    it('retries once after HTTP 503', async () => {
      const keyService = await service('fail-once');
      await expect(subject(keyService.url).signDigest(DIGEST, 'sha512')).resolves.toBeInstanceOf(
        Uint8Array,
      );
      expect(keyService.requests).toHaveLength(2);
    });
  });

  describe('when the service refuses', () => {
    it('reports NUPKG006 for a wrong token, without the token in the message', async () => {
      const keyService = await service();
      const error: unknown = await subject(keyService.url, 'wrong-token')
        .signDigest(DIGEST, 'sha512')
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'NUPKG006' });
      expect((error as Error).message).toContain('HTTP 401');
      expect((error as Error).message).not.toContain('wrong-token');
      expect(keyService.requests).toHaveLength(1); // 401 is not retried
    });

    it('gives up after the retries with NUPKG006', async () => {
      const keyService = await service('always-500');
      await expect(subject(keyService.url).signDigest(DIGEST, 'sha512')).rejects.toMatchObject({
        code: 'NUPKG006',
      });
      expect(keyService.requests).toHaveLength(3);
    });

    it('reports NU3001 for an answer that is not JSON', async () => {
      const keyService = await service('bad-json');
      await expect(subject(keyService.url).signDigest(DIGEST, 'sha512')).rejects.toMatchObject({
        code: 'NU3001',
      });
    });

    it('reports NUPKG006 when nothing listens', async () => {
      const keyService = await service();
      await keyService.close();
      services.pop();
      await expect(subject(keyService.url).signDigest(DIGEST, 'sha512')).rejects.toMatchObject({
        code: 'NUPKG006',
        message: expect.stringContaining('network error'),
      });
    });
  });

  describe('configuration', () => {
    it('refuses plain http to a non-loopback host with NUPKG003', () => {
      expect(() => subject('http://signer.example.test/sign')).toThrow(
        expect.objectContaining({ code: 'NUPKG003' }),
      );
    });

    it('never shows the token or URL credentials when printed', () => {
      const signer = subject('https://user:pw@signer.example.test/sign?sig=abc');
      const printed = `${String(signer)} ${JSON.stringify(signer)} ${inspect(signer)}`;
      expect(printed).not.toContain(TOKEN);
      expect(printed).not.toContain('pw');
      expect(printed).not.toContain('sig=abc');
      expect(printed).toContain('https://signer.example.test/sign');
    });
  });
});
