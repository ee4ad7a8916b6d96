import { retryAfterMs } from '../../../src/http/retry-after.js';

/** Retry-After (RFC 9110 §10.2.3) in both of its forms, as a wait in milliseconds. */
const SERVER_DATE = 'Sun, 06 Nov 1994 08:49:37 GMT';
const NOT_ASKED = () => {
  throw new Error('the local clock must not be read when the answer has a Date header');
};

describe('#retryAfterMs', () => {
  it('reads delay-seconds', () => {
    expect(retryAfterMs('120', undefined, NOT_ASKED)).toBe(120_000);
    expect(retryAfterMs(' 0 ', undefined, NOT_ASKED)).toBe(0);
  });

  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:42 GMT'],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:42 GMT'],
    ['asctime (GMT by definition)', 'Sun Nov  6 08:49:42 1994'],
  ])('measures an HTTP-date in %s form against the answer’s own Date header', (_form, value) => {
    expect(retryAfterMs(value, SERVER_DATE, NOT_ASKED)).toBe(5_000);
  });

  it('asks the local clock only when the answer has no Date header', () => {
    const now = Date.parse(SERVER_DATE) + 1_000;
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:42 GMT', undefined, () => now)).toBe(4_000);
  });

  it('waits nothing for a date already past', () => {
    expect(retryAfterMs('Sun, 06 Nov 1994 08:00:00 GMT', SERVER_DATE, NOT_ASKED)).toBe(0);
  });

  it.each([
    undefined,
    '',
    '-5',
    '1.5',
    'soon',
    '2024-01-01T00:00:00Z',
    'Sun, 06 Nov 1994 08:49:42',
  ])('ignores %p (the backoff applies)', (value) => {
    expect(retryAfterMs(value, SERVER_DATE, NOT_ASKED)).toBeUndefined();
  });

  it('falls back to the local clock when the answer’s Date header is no HTTP-date', () => {
    const now = Date.parse(SERVER_DATE);
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:40 GMT', 'yesterday', () => now)).toBe(3_000);
  });
});
