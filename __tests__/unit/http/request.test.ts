import { performance } from 'node:perf_hooks';
import { HttpError } from '../../../src/http/failure.js';
import { sendHttpRequest } from '../../../src/http/request.js';
import { sendWithRetries } from '../../../src/http/retry.js';
import { LIMITS } from '../../../src/limits.js';
import { codedFailureOf } from '../../helpers/codes.js';
import { peakRssGrowth } from '../../helpers/memory.js';
import {
  answer,
  failThen,
  hangAfterHeaders,
  redirectTo,
  serversClosedAfterEach,
  streamBody,
  timestampPost,
  type HostileServer,
} from '../../helpers/hostile-http-server.js';

/** The HTTP edge against real misbehaving servers on 127.0.0.1. */
const MiB = 1024 * 1024;
const serve = serversClosedAfterEach();
const post = timestampPost;

describe('#sendHttpRequest', () => {
  describe('when the server sends more than the limit', () => {
    it('stops reading an endless body without Content-Length at the limit (NUPKG006, < 10 s, < 200 MiB)', async () => {
      const server = await serve(streamBody());
      const started = performance.now();
      const { result: error, growth } = await peakRssGrowth(() =>
        codedFailureOf(sendHttpRequest(post(server.url))),
      );
      expect(error).toBeInstanceOf(HttpError);
      expect(error.code).toBe('NUPKG006');
      expect(error.message).toBe(
        `The timestamp server ${server.url} sent more than ${LIMITS.maxTimestampResponseBytes} bytes, the limit for a timestamp response; reading stopped there`,
      );
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(growth).toBeLessThan(200 * MiB);
      // The connection was closed: once its last buffered writes fail, the server sends no more.
      const pause = () => new Promise((resolve) => setTimeout(resolve, 200));
      await pause();
      const sentAfterClose = server.bytesSent;
      await pause();
      expect(server.bytesSent).toBe(sentAfterClose);
      expect(sentAfterClose).toBeLessThan(LIMITS.maxTimestampResponseBytes + 16 * MiB);
    });

    it('stops reading 1 GiB whose Content-Length lies low only at what the length says', async () => {
      // HTTP framing: the body ends where Content-Length says; the rest is never read as body.
      const server = await serve(
        streamBody({ total: 1024 * MiB, headers: { 'Content-Length': '100' } }),
      );
      const { result, growth } = await peakRssGrowth(() => sendHttpRequest(post(server.url)));
      expect(result.body.byteLength).toBe(100);
      expect(growth).toBeLessThan(200 * MiB);
    });

    it('refuses a Content-Length above the limit before reading the body', async () => {
      const server = await serve(streamBody({ headers: { 'Content-Length': String(1024 * MiB) } }));
      const error = await codedFailureOf(sendHttpRequest(post(server.url)));
      expect(error.code).toBe('NUPKG006');
      expect(error.message).toContain(`its Content-Length says ${1024 * MiB}`);
      expect(error.message).toContain(`limit for a timestamp response`);
    });

    it('gives a body that stops short of its Content-Length and hangs the timeout', async () => {
      const server = await serve((_request, response) => {
        response.writeHead(200, { 'Content-Length': '1000' });
        response.write(Buffer.alloc(10));
      });
      const started = performance.now();
      const error = await codedFailureOf(sendHttpRequest(post(server.url, { timeoutMs: 300 })));
      expect(error.message).toBe(`The timestamp server ${server.url} did not answer within 300 ms`);
      expect(performance.now() - started).toBeLessThan(2_000);
    });

    it('returns a body exactly at the limit', async () => {
      const server = await serve(streamBody({ total: 1000 }));
      const result = await sendHttpRequest(post(server.url, { maxResponseBytes: 1000 }));
      expect(result.body.byteLength).toBe(1000);
    });
  });

  describe('when the server is slow', () => {
    it('times out a server that hangs after the headers', async () => {
      const server = await serve(hangAfterHeaders());
      const started = performance.now();
      const error = await codedFailureOf(sendHttpRequest(post(server.url, { timeoutMs: 300 })));
      expect(error.code).toBe('NUPKG006');
      expect(error.message).toBe(`The timestamp server ${server.url} did not answer within 300 ms`);
      expect(performance.now() - started).toBeLessThan(2_000);
    });

    it('never waits past the deadline, whatever the per-request timeout', async () => {
      const server = await serve(hangAfterHeaders());
      const started = performance.now();
      const deadline = performance.now() + 250;
      const error = await codedFailureOf(
        sendHttpRequest(post(server.url, { timeoutMs: 60_000, deadline })),
      );
      expect(error.message).toMatch(/did not answer within 2\d\d ms$/);
      expect(performance.now() - started).toBeLessThan(2_000);
      const past = performance.now() - 1;
      const late = await codedFailureOf(sendHttpRequest(post(server.url, { deadline: past })));
      expect(late.message).toContain('was not asked: the total time limit was reached');
    });

    it('stops when the caller aborts', async () => {
      const server = await serve(hangAfterHeaders());
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const error = await codedFailureOf(
        sendHttpRequest(post(server.url, { signal: controller.signal })),
      );
      expect(error.message).toContain('the operation was cancelled');
    });
  });

  describe('when the server redirects', () => {
    it.each([307, 308])(
      'resends the same POST and body on %s, without credentials to another origin',
      async (status) => {
        const target = await serve(answer('token'));
        const front = await serve(redirectTo(status, `${target.url}?moved=1`));
        const result = await sendHttpRequest(
          post(front.url, { headers: { Authorization: 'Bearer secret', 'X-Kept': 'yes' } }),
        );
        expect(Buffer.from(result.body).toString()).toBe('token');
        const [received] = target.requests;
        expect(received?.method).toBe('POST');
        expect(received?.body.toString()).toBe('the request');
        expect(received?.headers['x-kept']).toBe('yes');
        expect(received?.headers.authorization).toBeUndefined();
        expect(front.requests[0]?.headers.authorization).toBe('Bearer secret');
      },
    );

    it('keeps the Authorization header on a redirect within the same origin', async () => {
      const server = await serve((request, response, sent) => {
        if (request.path === '/endpoint') redirectTo(308, '/moved')(request, response, sent);
        else answer('ok')(request, response, sent);
      });
      await sendHttpRequest(post(server.url, { headers: { Authorization: 'Bearer secret' } }));
      expect(server.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
        ['/endpoint', 'Bearer secret'],
        ['/moved', 'Bearer secret'],
      ]);
    });

    it.each([301, 302, 303])(
      'refuses to turn a POST into a GET on %s, saying why',
      async (status) => {
        const target = await serve(answer('token'));
        const front = await serve(redirectTo(status, target.url));
        const error = await codedFailureOf(sendHttpRequest(post(front.url)));
        expect(error.code).toBe('NUPKG006');
        expect(error.message).toBe(
          `The timestamp server ${front.url} redirected with HTTP ${status} to ${target.url}, which was not followed: HTTP ${status} would turn the POST into a GET without its request body (only 307 and 308 resend it); use the final URL instead`,
        );
        expect(target.requests).toHaveLength(0);
      },
    );

    it.each([301, 302, 303, 307, 308])('follows %s for a GET', async (status) => {
      const target = await serve(answer('crl'));
      const front = await serve(redirectTo(status, target.url));
      const result = await sendHttpRequest(post(front.url, { method: 'GET', body: undefined }));
      expect(Buffer.from(result.body).toString()).toBe('crl');
      expect(target.requests[0]?.method).toBe('GET');
    });

    it('keeps the size limit and names both URLs when the redirect target streams without end', async () => {
      const endless = await serve(streamBody());
      const front = await serve(redirectTo(308, endless.url));
      const error = await codedFailureOf(
        sendHttpRequest(post(front.url, { maxResponseBytes: 1000 })),
      );
      expect(error.message).toBe(
        `The timestamp server ${front.url} (redirected to ${endless.url}) sent more than 1000 bytes, the limit for a timestamp response; reading stopped there`,
      );
    });

    it('keeps the same timeout across redirects', async () => {
      const hanging = await serve(hangAfterHeaders());
      const front = await serve(redirectTo(307, hanging.url));
      const started = performance.now();
      const error = await codedFailureOf(sendHttpRequest(post(front.url, { timeoutMs: 300 })));
      expect(error.message).toContain(
        `(redirected to ${hanging.url}) did not answer within 300 ms`,
      );
      expect(performance.now() - started).toBeLessThan(2_000);
    });

    it('stops a redirect loop', async () => {
      const a = await serve(redirectTo(307, () => b.url));
      const b: HostileServer = await serve(redirectTo(307, a.url));
      const started = performance.now();
      const error = await codedFailureOf(sendHttpRequest(post(a.url)));
      expect(error.message).toContain(
        `redirected with HTTP 307 to ${a.url}, which was not followed`,
      );
      expect(error.message).toContain('a loop');
      expect(a.requests).toHaveLength(1);
      expect(b.requests).toHaveLength(1);
      expect(performance.now() - started).toBeLessThan(10_000);
    });

    it(`follows at most ${LIMITS.maxHttpRedirects} redirects`, async () => {
      const server = await serve((request, response, sent) => {
        const hop = Number(request.path.replace(/\D/g, '') || '0');
        redirectTo(307, `/hop${hop + 1}`)(request, response, sent);
      });
      const error = await codedFailureOf(sendHttpRequest(post(server.url)));
      expect(error.message).toContain(`more than ${LIMITS.maxHttpRedirects} redirects`);
      expect(server.requests).toHaveLength(LIMITS.maxHttpRedirects + 1);
    });

    it.each([
      ['file:///etc/passwd', 'file:…'],
      ['ftp://127.0.0.1/tsa', 'ftp://127.0.0.1/tsa'],
      ['data:text/plain,hello', 'data:…'],
    ])('refuses a redirect to %s', async (location, shown) => {
      const front = await serve(redirectTo(307, location));
      const error = await codedFailureOf(sendHttpRequest(post(front.url)));
      expect(error.message).toContain(`to ${shown}, which was not followed`);
      expect(error.message).toContain('only http and https URLs are requested');
    });

    it('refuses a redirect whose URL carries credentials, without printing them', async () => {
      const front = await serve(redirectTo(307, 'http://user:hunter2@127.0.0.1:1/x?key=abc'));
      const error = await codedFailureOf(sendHttpRequest(post(front.url)));
      expect(error.message).toContain('carries a user name or password');
      expect(error.message).not.toMatch(/hunter2|user:|key=abc/);
    });

    it('refuses every redirect with the reason given by a client that follows none', async () => {
      const target = await serve(answer('signature'));
      const front = await serve(redirectTo(307, target.url));
      const error = await codedFailureOf(
        sendHttpRequest(post(front.url, { redirects: { refuse: 'the token stays here' } })),
      );
      expect(error.message).toContain(`redirected with HTTP 307 to ${target.url}`);
      expect(error.message).toContain('which was not followed: the token stays here');
      expect(target.requests).toHaveLength(0);
    });
  });

  describe('URL check', () => {
    it.each(['ftp://127.0.0.1/tsa', 'file:///etc/passwd', 'not a url'])(
      'refuses %s with NUPKG003 before sending anything',
      async (url) => {
        const error = await codedFailureOf(sendHttpRequest(post(url)));
        expect(error.code).toBe('NUPKG003');
      },
    );

    it('refuses credentials in the URL and never prints them or the query', async () => {
      const error = await codedFailureOf(
        sendHttpRequest(post('https://user:hunter2@127.0.0.1:1/tsa?sig=abc')),
      );
      expect(error.code).toBe('NUPKG003');
      expect(error.message).toContain('https://127.0.0.1:1/tsa?…');
      expect(error.message).not.toMatch(/hunter2|user:|sig=abc/);
    });
  });

  describe('status answers', () => {
    it('names the status and keeps only printable text of the reason phrase', async () => {
      const server = await serve((_request, response) => {
        response.statusMessage = 'Down\tfor maintenance';
        response.writeHead(503).end();
      });
      const error = await codedFailureOf(sendHttpRequest(post(server.url)));
      expect(error.message).toBe(
        `The timestamp server ${server.url} answered HTTP 503 Downfor maintenance`,
      );
    });

    it('starts the message with the URL when no service is named', async () => {
      const server = await serve((_request, response) => response.writeHead(404).end());
      const error = await codedFailureOf(sendHttpRequest(post(server.url, { service: undefined })));
      expect(error.message).toBe(`${server.url} answered HTTP 404 Not Found`);
    });
  });
});

describe('#sendWithRetries', () => {
  const policy = (sleeps: number[], retries = 2) => ({
    retries,
    baseDelayMs: 250,
    maxDelayMs: 4000,
    honourRetryAfter: true,
    sleep: (ms: number) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });

  it('waits as Retry-After says after HTTP 429, then succeeds', async () => {
    const server = await serve(failThen(1, 429, '2', answer('token')));
    const sleeps: number[] = [];
    const result = await sendWithRetries(post(server.url), policy(sleeps));
    expect(Buffer.from(result.body).toString()).toBe('token');
    expect(sleeps).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
  });

  it('caps a Retry-After of an hour at the largest backoff', async () => {
    const server = await serve(failThen(1, 429, '3600', answer('token')));
    const sleeps: number[] = [];
    await sendWithRetries(post(server.url), policy(sleeps));
    expect(sleeps).toEqual([4000]);
  });

  it('ignores Retry-After when the client does not honour it', async () => {
    const server = await serve(failThen(1, 429, '2', answer('token')));
    const sleeps: number[] = [];
    await sendWithRetries(post(server.url), { ...policy(sleeps), honourRetryAfter: false });
    expect(sleeps).toEqual([250]);
  });

  it('backs off exponentially and names the attempts when it gives up', async () => {
    const server = await serve(failThen(10, 503, undefined, answer('never')));
    const sleeps: number[] = [];
    const error = await codedFailureOf(sendWithRetries(post(server.url), policy(sleeps, 2)));
    expect(sleeps).toEqual([250, 500]);
    expect(error.message).toBe(
      `The timestamp server ${server.url} answered HTTP 503 Service Unavailable (gave up after 3 attempts)`,
    );
  });

  it('does not retry a refusal of ours (size limit)', async () => {
    const server = await serve(streamBody());
    const sleeps: number[] = [];
    const error = await codedFailureOf(
      sendWithRetries(post(server.url, { maxResponseBytes: 1000 }), policy(sleeps)),
    );
    expect(error.message).toContain('sent more than 1000 bytes');
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('stops retrying when the deadline leaves no time, and says so', async () => {
    const server = await serve(failThen(10, 503, '3', answer('never')));
    const error = await codedFailureOf(
      sendWithRetries(post(server.url, { deadline: performance.now() + 1000 }), policy([])),
    );
    expect(error.message).toContain('the total time limit leaves no time for another attempt');
    expect(server.requests).toHaveLength(1);
  });
});
