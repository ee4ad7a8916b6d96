import { performance } from 'node:perf_hooks';
import { sendWithRetries, STANDARD_BACKOFF, type RetryPolicy } from '../../../src/http/retry.js';
import { codedFailureOf } from '../../helpers/codes.js';
import {
  answer,
  failThen,
  hangAfterHeaders,
  serversClosedAfterEach,
  timestampPost,
  type HostileHandler,
} from '../../helpers/hostile-http-server.js';

/**
 * What the edge retries and how long it waits, against real servers on 127.0.0.1: 408, 429 and
 * 5xx heal by themselves and are retried; other 4xx are answers and are not. Retry-After in
 * either form replaces the backoff, which doubles from 250 ms and never exceeds 4 s.
 */
const serve = serversClosedAfterEach();
const post = timestampPost;

function recording(retries: number, sleeps: number[], log?: string[]): RetryPolicy {
  return {
    retries,
    ...STANDARD_BACKOFF,
    honourRetryAfter: true,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...(log ? { log: (message: string) => log.push(message) } : {}),
  };
}

/** Answers `status` with the given headers `failures` times, then 200 "token". */
function statusThenToken(
  failures: number,
  status: number,
  headers: () => Record<string, string>,
): HostileHandler {
  let left = failures;
  return (request, response, sent) => {
    if (left-- > 0) {
      response.writeHead(status, headers()).end('later');
      return;
    }
    answer('token')(request, response, sent);
  };
}

describe('#sendWithRetries', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %i and then succeeds', async (status) => {
    const server = await serve(failThen(1, status, undefined, answer('token')));
    const sleeps: number[] = [];
    const result = await sendWithRetries(post(server.url), recording(2, sleeps));
    expect(Buffer.from(result.body).toString()).toBe('token');
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([250]);
  });

  it.each([400, 401, 403, 404, 405, 410, 413, 415])(
    'does not retry HTTP %i (NUPKG006 after one attempt)',
    async (status) => {
      const server = await serve(failThen(1, status, '1', answer('token')));
      const sleeps: number[] = [];
      const error = await codedFailureOf(sendWithRetries(post(server.url), recording(3, sleeps)));
      expect(error.code).toBe('NUPKG006');
      expect(error.message).toContain(`The timestamp server ${server.url} answered HTTP ${status}`);
      expect(server.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    },
  );

  it('doubles the backoff from 250 ms and caps it at 4 s', async () => {
    const server = await serve(failThen(100, 503, undefined, answer('never')));
    const sleeps: number[] = [];
    const error = await codedFailureOf(sendWithRetries(post(server.url), recording(7, sleeps)));
    expect(sleeps).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
    expect(error.message).toContain('(gave up after 8 attempts)');
    expect(server.requests).toHaveLength(8);
  });

  it('waits as a Retry-After HTTP-date says, measured against the server’s Date header', async () => {
    // A server clock a day off from ours: only the difference between its two dates counts.
    const serverNow = Math.floor(Date.now() / 1000) * 1000 - 86_400_000;
    const server = await serve(
      statusThenToken(1, 503, () => ({
        Date: new Date(serverNow).toUTCString(),
        'Retry-After': new Date(serverNow + 3_000).toUTCString(),
      })),
    );
    const sleeps: number[] = [];
    await sendWithRetries(post(server.url), recording(2, sleeps));
    expect(sleeps).toEqual([3000]);
  });

  it('caps a far Retry-After HTTP-date at the largest backoff', async () => {
    const server = await serve(
      statusThenToken(1, 429, () => ({
        'Retry-After': new Date(Date.now() + 3_600_000).toUTCString(),
      })),
    );
    const sleeps: number[] = [];
    await sendWithRetries(post(server.url), recording(2, sleeps));
    expect(sleeps).toEqual([4000]);
  });

  it('retries at once after a Retry-After HTTP-date already past', async () => {
    const server = await serve(
      statusThenToken(1, 503, () => ({ 'Retry-After': 'Sun, 06 Nov 1994 08:49:37 GMT' })),
    );
    const sleeps: number[] = [];
    await sendWithRetries(post(server.url), recording(2, sleeps));
    expect(sleeps).toEqual([0]);
  });

  it('falls back to the backoff when Retry-After is neither seconds nor an HTTP-date', async () => {
    const server = await serve(failThen(1, 503, 'in a while', answer('token')));
    const sleeps: number[] = [];
    await sendWithRetries(post(server.url), recording(2, sleeps));
    expect(sleeps).toEqual([250]);
  });

  it('gives every attempt its own timeout', async () => {
    let hangs = 2;
    const server = await serve((request, response, sent) => {
      if (hangs-- > 0) return hangAfterHeaders()(request, response, sent);
      answer('token')(request, response, sent);
    });
    const started = performance.now();
    const result = await sendWithRetries(post(server.url, { timeoutMs: 300 }), recording(2, []));
    const elapsed = performance.now() - started;
    expect(Buffer.from(result.body).toString()).toBe('token');
    expect(server.requests).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(2 * 290);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('names the per-attempt timeout and the attempts when every attempt hangs', async () => {
    const server = await serve(hangAfterHeaders());
    const started = performance.now();
    const error = await codedFailureOf(
      sendWithRetries(post(server.url, { timeoutMs: 200 }), recording(2, [])),
    );
    expect(error.message).toBe(
      `The timestamp server ${server.url} did not answer within 200 ms (gave up after 3 attempts)`,
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 190);
    expect(server.requests).toHaveLength(3);
  });

  it('keeps the query of a signed URL out of retry log lines and the final message', async () => {
    const server = await serve(failThen(100, 503, undefined, answer('never')));
    const log: string[] = [];
    const error = await codedFailureOf(
      sendWithRetries(post(`${server.url}?sig=s3cr3t`), recording(1, [], log)),
    );
    expect(log).toEqual([
      `The timestamp server ${server.url}?… answered HTTP 503 Service Unavailable; retrying in 250 ms.`,
    ]);
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).toContain(`${server.url}?…`);
  });
});
