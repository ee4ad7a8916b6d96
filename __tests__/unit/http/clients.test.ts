import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { LIMITS } from '../../../src/limits.js';
import { codedFailureOf } from '../../helpers/codes.js';
import { peakRssGrowth } from '../../helpers/memory.js';
import { createRevocationChecker } from '../../../src/revocation/index.js';
import { HttpSigner } from '../../../src/sign/remote/index.js';
import { parseCertificate } from '../../../src/signature/certificate.js';
import { requestTimestamp } from '../../../src/timestamp/client.js';
import {
  redirectTo,
  startHostileServer,
  streamBody,
  type HostileHandler,
  type HostileServer,
} from '../../helpers/hostile-http-server.js';
import { revocationExtensions } from '../../helpers/ocsp-responder.js';
import { createRootCa, createTestPki, type TestCa, type TestPki } from '../../helpers/pki.js';
import { type TimestampAuthority, timestampAuthorityOf } from '../../helpers/tsa.js';
import { startTsaServer, type TsaServer } from '../../helpers/tsa-server.js';

/**
 * The three HTTP clients (timestamp, remote signer, revocation) over the shared edge, against
 * servers that stream without end, redirect, or lie: each ends with a coded result naming the
 * URL and the limit, in bounded time and memory.
 */
const MiB = 1024 * 1024;
const NOW = new Date('2025-06-01T12:00:00Z');
let pki: TestPki;
let authority: TimestampAuthority;
const closers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  authority = timestampAuthorityOf(pki, () => NOW);
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((server) => server.close()));
});

async function hostile(handler: HostileHandler): Promise<HostileServer> {
  const server = await startHostileServer(handler);
  closers.push(server);
  return server;
}

async function tsaServer(): Promise<TsaServer> {
  const server = await startTsaServer(authority);
  closers.push(server);
  return server;
}

/** Time and the largest RSS growth of this process while `work` runs (sampled every 10 ms). */
async function measured<T>(work: () => Promise<T>) {
  const started = performance.now();
  const { result, growth } = await peakRssGrowth(work);
  return { result, ms: performance.now() - started, growth };
}

const timestampOptions = (urls: string[]) => ({
  urls,
  signatureValue: Buffer.from('the SignerInfo signature value'),
  hashAlgorithm: 'sha256' as const,
  timeoutMs: 5_000,
  totalTimeoutMs: 9_000,
  now: () => NOW,
  sleep: () => Promise.resolve(),
});

describe('timestamp client', () => {
  it('stops reading a TSA that answers without end and no Content-Length (NUPKG006 naming the limit)', async () => {
    const server = await hostile(streamBody());
    const {
      result: error,
      ms,
      growth,
    } = await measured(() => codedFailureOf(requestTimestamp(timestampOptions([server.url]))));
    expect(error.code).toBe('NUPKG006');
    expect(error.message).toContain(`The timestamp server ${server.url} sent more than`);
    expect(error.message).toContain(
      `${LIMITS.maxTimestampResponseBytes} bytes, the limit for a timestamp response`,
    );
    expect(server.requests).toHaveLength(1); // a refusal of ours is not retried
    expect(ms).toBeLessThan(10_000);
    expect(growth).toBeLessThan(200 * MiB);
  });

  it.each([307, 308])('follows HTTP %s to a working TSA with the same request', async (status) => {
    const tsa = await tsaServer();
    const front = await hostile(redirectTo(status, tsa.url));
    const result = await requestTimestamp(timestampOptions([front.url]));
    expect(result.genTime.toISOString()).toBe(NOW.toISOString());
    expect(tsa.requests).toHaveLength(1);
    expect(tsa.requests[0]).toEqual(front.requests[0]?.body);
    expect(tsa.requestContentTypes[0]).toBe('application/timestamp-query');
  });

  it('refuses a 302 that would turn the TimeStampReq into a GET, and falls back to the next server', async () => {
    const tsa = await tsaServer();
    const front = await hostile(redirectTo(302, tsa.url));
    const logged: string[] = [];
    const result = await requestTimestamp({
      ...timestampOptions([front.url, tsa.url]),
      log: (message) => logged.push(message),
    });
    expect(result.url).toBe(tsa.url);
    expect(logged.join('\n')).toContain(
      `redirected with HTTP 302 to ${tsa.url}, which was not followed: HTTP 302 would turn the POST into a GET`,
    );
  });

  it('gives up on a redirect loop with NUPKG006 in bounded time', async () => {
    const a = await hostile(redirectTo(307, () => b.url));
    const b: HostileServer = await hostile(redirectTo(308, a.url));
    const { result: error, ms } = await measured(() =>
      codedFailureOf(requestTimestamp(timestampOptions([a.url]))),
    );
    expect(error.code).toBe('NUPKG006');
    expect(error.message).toContain('a loop');
    expect(ms).toBeLessThan(10_000);
  });
});

describe('remote signer (--sign-url)', () => {
  const signer = (url: string) =>
    new HttpSigner({
      url,
      certificate: pki.leaf.certificate,
      chain: [],
      bearerToken: 'secret-token-9c2e',
      sleep: () => Promise.resolve(),
    });
  const digest = createHash('sha256').update('attributes').digest();

  it('stops reading an endless answer at the limit (NU3001 naming the limit, < 10 s, < 200 MiB)', async () => {
    const server = await hostile(streamBody());
    const {
      result: error,
      ms,
      growth,
    } = await measured(() => codedFailureOf(signer(server.url).signDigest(digest, 'sha256')));
    expect(error.code).toBe('NU3001');
    expect(error.message).toBe(
      `The remote signer ${server.url} sent more than ${LIMITS.maxRemoteSignerAnswerBytes} bytes, the limit for a remote signer answer; reading stopped there`,
    );
    expect(ms).toBeLessThan(10_000);
    expect(growth).toBeLessThan(200 * MiB);
  });

  it('refuses a redirect, so that the bearer token goes nowhere else', async () => {
    const elsewhere = await hostile(streamBody({ total: 10 }));
    const front = await hostile(redirectTo(307, elsewhere.url));
    const error = await codedFailureOf(signer(front.url).signDigest(digest, 'sha256'));
    expect(error.code).toBe('NUPKG006');
    expect(error.message).toContain(`redirected with HTTP 307 to ${elsewhere.url}`);
    expect(error.message).toContain('give the final URL with --sign-url');
    expect(error.message).not.toContain('secret-token-9c2e');
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('revocation client', () => {
  let ca: TestCa;
  beforeAll(async () => {
    ca = await createRootCa({ subject: 'CN=Hostile Revocation CA' });
  });

  async function statusVia(urls: { ocspUrl?: string; crlUrl?: string }) {
    const leaf = await ca.issueLeaf({
      subject: 'CN=Leaf',
      extraExtensions: revocationExtensions(urls),
    });
    const checker = createRevocationChecker({ mode: 'online', now: new Date(), timeoutMs: 5_000 });
    const chain = [parseCertificate(leaf.certificate), parseCertificate(ca.certificate)];
    const result = await checker.check(chain, { purpose: 'signing' });
    return result.certificates[0]!.revocation;
  }

  it('stops reading an endless OCSP answer at the limit: unknown, naming URL and limit', async () => {
    const server = await hostile(streamBody());
    const { result: status, ms, growth } = await measured(() => statusVia({ ocspUrl: server.url }));
    expect(status).toEqual({
      status: 'unknown',
      why: `${server.url} sent more than ${LIMITS.maxOcspResponseBytes} bytes, the limit for an OCSP response; reading stopped there`,
    });
    expect(ms).toBeLessThan(10_000);
    expect(growth).toBeLessThan(200 * MiB);
  });

  it('stops reading an endless CRL at the limit and names its URL once', async () => {
    const server = await hostile(streamBody());
    const { result: status, ms, growth } = await measured(() => statusVia({ crlUrl: server.url }));
    expect(status).toEqual({
      status: 'unknown',
      why: `CRL ${server.url} sent more than ${LIMITS.maxCrlBytes} bytes, the limit for a CRL; reading stopped there`,
    });
    expect(ms).toBeLessThan(10_000);
    expect(growth).toBeLessThan(200 * MiB);
  });

  it('names a CRL URL once when the download fails or the CRL does not parse', async () => {
    const missing = await hostile((_request, response) => response.writeHead(404).end());
    expect(await statusVia({ crlUrl: missing.url })).toEqual({
      status: 'unknown',
      why: `CRL ${missing.url} answered HTTP 404 Not Found`,
    });
    const junk = await hostile(streamBody({ total: 100 }));
    const status = await statusVia({ crlUrl: junk.url });
    expect(status.status).toBe('unknown');
    const why = status.status === 'unknown' ? status.why : '';
    expect(why.startsWith(`CRL ${junk.url}: `)).toBe(true);
    expect(why.split(junk.url)).toHaveLength(2);
  });
});
