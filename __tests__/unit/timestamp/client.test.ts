import { requestTimestamp, type RequestTimestampOptions } from '../../../src/timestamp/client.js';
import { codedFailureOf } from '../../helpers/codes.js';
import { createRootCa, type TestCertificate } from '../../helpers/pki.js';
import { createTimestampAuthority, type TimestampAuthority } from '../../helpers/tsa.js';
import { startTsaServer, type TsaServer, type TsaServerOptions } from '../../helpers/tsa-server.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const SIGNATURE_VALUE = Buffer.from('the SignerInfo signature value');

let tsaCertificate: TestCertificate;
let authority: TimestampAuthority;
const servers: TsaServer[] = [];

beforeAll(async () => {
  const root = await createRootCa();
  tsaCertificate = await root.issueTsa();
  authority = createTimestampAuthority({
    certificate: tsaCertificate.certificate,
    privateKey: tsaCertificate.keyObject,
    chain: [root.certificate],
    clock: () => NOW,
  });
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(subject = authority, options: TsaServerOptions = {}): Promise<TsaServer> {
  const server = await startTsaServer(subject, options);
  servers.push(server);
  return server;
}

function options(urls: string[], overrides: Partial<RequestTimestampOptions> = {}) {
  return {
    urls,
    signatureValue: SIGNATURE_VALUE,
    hashAlgorithm: 'sha256',
    timeoutMs: 2000,
    totalTimeoutMs: 10_000,
    retries: 2,
    now: () => NOW,
    sleep: () => Promise.resolve(),
    ...overrides,
  } satisfies RequestTimestampOptions;
}

describe('#requestTimestamp', () => {
  describe('when the server grants the request', () => {
    it.each(['application/timestamp-reply', 'application/timestamp-response', null])(
      'returns the token with genTime (response content type %s)',
      async (contentType) => {
        const server = await serve(authority, { contentType });
        const result = await requestTimestamp(options([server.url]));
        expect(result.url).toBe(server.url);
        expect(result.genTime.toISOString()).toBe(NOW.toISOString());
        expect(result.tokenDer[0]).toBe(0x30);
        expect(server.requests).toHaveLength(1);
        expect(server.requestContentTypes[0]).toBe('application/timestamp-query');
      },
    );

    it('accepts SHA-512 imprints and a v1 signing-certificate attribute', async () => {
      const server = await serve(authority.with({ signingCertificateVersion: 'v1' }));
      const result = await requestTimestamp(options([server.url], { hashAlgorithm: 'sha512' }));
      expect(result.token.tstInfo.messageImprint.hashedMessage).toHaveLength(64);
    });

    it('accepts a signer identified by subject key identifier', async () => {
      const server = await serve(authority.with({ sidBySubjectKeyIdentifier: true }));
      await expect(requestTimestamp(options([server.url]))).resolves.toHaveProperty(
        'url',
        server.url,
      );
    });
  });

  describe('when the response does not answer this request', () => {
    it.each([
      ['a wrong nonce', 'NU3026', { wrongNonce: true }],
      ['no nonce', 'NU3026', { omitNonce: true }],
      ['a wrong imprint', 'NU3019', { wrongImprint: true }],
      [
        'an imprint with another algorithm',
        'NU3019',
        { imprintAlgorithmOid: '2.16.840.1.101.3.4.2.2' },
      ],
      ['no certificates', 'NU3020', { omitCertificates: true }],
      ['a corrupt signature', 'NU3021', { corruptSignature: true }],
      ['a TSTInfo changed after signing', 'NU3021', { tamperGenTimeMs: 1000 }],
      ['no signing-certificate attribute', 'NU3021', { signingCertificateVersion: 'none' }],
      [
        'a signing-certificate-v2 for another certificate',
        'NU3021',
        { wrongSigningCertificate: true },
      ],
      ['TSTInfo version 2', 'NU3021', { tstInfoVersion: 2 }],
      ['content type id-data', 'NU3021', { eContentType: '1.2.840.113549.1.7.1' }],
      ['a SHA-1 token digest', 'NU3024', { hashAlgorithm: 'sha1' }],
    ] as const)('with %s it throws %s', async (_situation, code, defect) => {
      const server = await serve(authority.with(defect));
      const error = await codedFailureOf(requestTimestamp(options([server.url])));
      expect(error.code).toBe(code);
      expect(error.message).toContain(server.url);
    });
  });

  describe('when the TSA certificate breaks a timestamping rule', () => {
    async function withTsa(certificateOptions: Parameters<typeof createRootCaAndTsa>[0]) {
      const tsa = await createRootCaAndTsa(certificateOptions);
      return authority.with({ certificate: tsa.certificate, privateKey: tsa.keyObject, chain: [] });
    }

    it.each([
      ['its EKU is not critical', 'NU3021', { ekuCritical: false }],
      ['it has no EKU', 'NU3021', { extendedKeyUsages: null }],
      ['its EKU is code signing', 'NU3021', { extendedKeyUsages: ['1.3.6.1.5.5.7.3.3'] }],
      ['it is signed with SHA-1', 'NU3022', { signatureHash: 'SHA-1' }],
      ['its RSA key has 1024 bits', 'NU3023', { rsaBits: 1024 }],
      ['its key is ECDSA', 'NU3023', { keyAlgorithm: 'ECDSA' }],
      ['it is not yet valid', 'NU3025', { notBefore: new Date('2025-07-01T00:00:00Z') }],
      [
        'it expired before genTime',
        'NU3036',
        { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2025-01-01T00:00:00Z') },
      ],
    ] as const)('when %s it throws %s', async (_situation, code, certificateOptions) => {
      const server = await serve(await withTsa(certificateOptions));
      const error = await codedFailureOf(requestTimestamp(options([server.url])));
      expect(error.code).toBe(code);
    });
  });

  describe('when the server refuses', () => {
    it('names the PKIStatus and its text', async () => {
      const server = await serve(
        authority.with({ status: 2, statusString: 'unsupported algorithm', failInfo: 0 }),
      );
      const error = await codedFailureOf(requestTimestamp(options([server.url])));
      expect(error.code).toBe('NUPKG006');
      expect(error.message).toContain('status 2 (rejection)');
      expect(error.message).toContain('unsupported algorithm');
      expect(error.message).toContain('badAlg');
    });

    it('accepts grantedWithMods', async () => {
      const server = await serve(authority.with({ status: 1 }));
      await expect(requestTimestamp(options([server.url]))).resolves.toHaveProperty('url');
    });
  });

  describe('when the transport fails', () => {
    it('times out a slow server within the bound', async () => {
      const server = await serve(authority, { mode: 'slow', delayMs: 5000 });
      const started = performance.now();
      const error = await codedFailureOf(
        requestTimestamp(
          options([server.url], { timeoutMs: 200, totalTimeoutMs: 700, retries: 5 }),
        ),
      );
      expect(error.code).toBe('NUPKG006');
      expect(error.message).toMatch(/no response within \d+ ms|total time limit/);
      expect(performance.now() - started).toBeLessThan(1500);
    });

    it('retries HTTP 500 and then throws NUPKG006', async () => {
      const server = await serve(authority, { mode: 'http500' });
      const error = await codedFailureOf(requestTimestamp(options([server.url], { retries: 2 })));
      expect(error.code).toBe('NUPKG006');
      expect(error.message).toContain('HTTP 500');
      expect(error.message).toContain('after 3 attempts');
      expect(server.requests).toHaveLength(3);
    });

    it.each([429, 503, 408])(
      'succeeds after a retry when HTTP %s is followed by a token',
      async (status) => {
        const server = await serve(authority, { mode: 'fail-then-ok', failureStatus: status });
        const result = await requestTimestamp(options([server.url]));
        expect(result.url).toBe(server.url);
        expect(server.requests).toHaveLength(2);
      },
    );

    it('honours Retry-After when pacing the retry', async () => {
      const server = await serve(authority, { mode: 'http429-then-ok', retryAfter: '1' });
      const sleeps: number[] = [];
      const sleep = (ms: number) => {
        sleeps.push(ms);
        return Promise.resolve();
      };
      await requestTimestamp(options([server.url], { sleep }));
      expect(sleeps).toEqual([1000]);
    });

    it('does not retry HTTP 404', async () => {
      const server = await serve(authority, { mode: 'fail-then-ok', failureStatus: 404 });
      const error = await codedFailureOf(requestTimestamp(options([server.url])));
      expect(error.code).toBe('NUPKG006');
      expect(server.requests).toHaveLength(1);
    });

    it('reports a body that is not a TimeStampResp as NUPKG006', async () => {
      const server = await serve(authority, { mode: 'malformed' });
      const error = await codedFailureOf(requestTimestamp(options([server.url])));
      expect(error.code).toBe('NUPKG006');
      expect(error.message).toContain('did not return an RFC 3161 TimeStampResp');
    });

    it('treats a dropped connection as a retryable network error', async () => {
      const server = await serve(authority, { mode: 'reset' });
      const error = await codedFailureOf(requestTimestamp(options([server.url], { retries: 1 })));
      expect(error.code).toBe('NUPKG006');
      expect(error.message).toContain('network error');
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('when several URLs are given', () => {
    it('uses the second when the first is down', async () => {
      const down = await serve(authority, { mode: 'http500' });
      const up = await serve(authority);
      const logged: string[] = [];
      const result = await requestTimestamp(
        options([down.url, up.url], { retries: 0, log: (m) => logged.push(m) }),
      );
      expect(result.url).toBe(up.url);
      expect(logged.join('\n')).toContain(down.url);
    });

    it('names the earlier failures when all fail', async () => {
      const first = await serve(authority, { mode: 'http500' });
      const second = await serve(authority.with({ wrongNonce: true }));
      const error = await codedFailureOf(
        requestTimestamp(options([first.url, second.url], { retries: 0 })),
      );
      expect(error.code).toBe('NU3026');
      expect(error.message).toContain(`${first.url}: NUPKG006`);
    });
  });

  describe('when the URL is unusable', () => {
    it.each([[[]], [['ftp://example.test/tsa']], [['not a url']]])(
      'rejects %j with NUPKG003',
      async (urls) => {
        const error = await codedFailureOf(requestTimestamp(options(urls)));
        expect(error.code).toBe('NUPKG003');
      },
    );
  });
});

async function createRootCaAndTsa(
  certificateOptions: Parameters<Awaited<ReturnType<typeof createRootCa>>['issueTsa']>[0],
) {
  const root = await createRootCa();
  return root.issueTsa(certificateOptions);
}
