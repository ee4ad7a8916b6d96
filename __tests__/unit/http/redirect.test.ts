import type { Hop } from '../../../src/http/exchange.js';
import { nextHop } from '../../../src/http/redirect.js';

/** The redirect rules alone (no network): which hop comes next, or why there is none. */
const hop = (url: string, method: Hop['method'] = 'POST'): Hop => ({
  url: new URL(url),
  method,
  headers: { Authorization: 'Bearer t', Cookie: 'c=1', 'Content-Type': 'application/json' },
  body: method === 'POST' ? Buffer.from('body') : undefined,
});
const visitedFrom = (current: Hop) => new Set([current.url.href]);

describe('#nextHop', () => {
  it('refuses to leave https for plain http (as .NET HttpClient does)', () => {
    const current = hop('https://tsa.example.test/a');
    expect(
      nextHop(current, 307, 'http://tsa.example.test/b', visitedFrom(current), { maxHops: 5 }),
    ).toEqual({
      follow: false,
      to: 'http://tsa.example.test/b',
      why: 'it would leave https for plain http',
    });
  });

  it('follows http up to https', () => {
    const current = hop('http://tsa.example.test/a');
    const step = nextHop(current, 308, 'https://tsa.example.test/b', visitedFrom(current), {
      maxHops: 5,
    });
    expect(step.follow && step.hop.url.href).toBe('https://tsa.example.test/b');
  });

  it('drops Authorization and Cookie when the origin changes, keeps the other headers and body', () => {
    const current = hop('https://signer.example.test/sign');
    const step = nextHop(current, 307, 'https://other.example.test/sign', visitedFrom(current), {
      maxHops: 5,
    });
    expect(step.follow && step.hop.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(step.follow && Buffer.from(step.hop.body ?? []).toString()).toBe('body');
    expect(step.follow && step.hop.method).toBe('POST');
  });

  it('counts a different port as a different origin', () => {
    const current = hop('https://signer.example.test/sign');
    const step = nextHop(current, 307, 'https://signer.example.test:8443/', visitedFrom(current), {
      maxHops: 5,
    });
    expect(step.follow && step.hop.headers).toEqual({ 'Content-Type': 'application/json' });
  });

  it('keeps the headers within the same origin and resolves a relative Location', () => {
    const current = hop('https://signer.example.test/v1/sign');
    const step = nextHop(current, 308, '../v2/sign#frag', visitedFrom(current), { maxHops: 5 });
    expect(step.follow && step.hop.url.href).toBe('https://signer.example.test/v2/sign');
    expect(step.follow && step.hop.headers).toEqual(current.headers);
  });

  it('turns a GET redirected by 303 into a GET of the new place', () => {
    const current = hop('http://crl.example.test/ca.crl', 'GET');
    const step = nextHop(current, 303, '/other.crl', visitedFrom(current), { maxHops: 5 });
    expect(step.follow && [step.hop.method, step.hop.url.pathname]).toEqual(['GET', '/other.crl']);
  });

  it.each([
    [undefined, 'nowhere', 'the answer has no Location header'],
    ['http://[::1', 'an invalid URL', 'the Location header is not a URL'],
    ['javascript:alert(1)', 'javascript:…', 'only http and https URLs are requested'],
  ])('refuses Location %s', (location, to, why) => {
    const current = hop('http://tsa.example.test/a');
    expect(nextHop(current, 307, location, visitedFrom(current), { maxHops: 5 })).toEqual({
      follow: false,
      to,
      why,
    });
  });

  it('refuses every redirect for a client that follows none, naming where it led', () => {
    const current = hop('https://signer.example.test/sign');
    expect(
      nextHop(current, 307, '/elsewhere?sig=1', visitedFrom(current), { refuse: 'not here' }),
    ).toEqual({ follow: false, to: 'https://signer.example.test/elsewhere?…', why: 'not here' });
  });

  it('shows a hostile Location without control characters', () => {
    const current = hop('http://tsa.example.test/a');
    const step = nextHop(current, 307, '/x\u001b[31m\ny', visitedFrom(current), { maxHops: 5 });
    expect(step.follow && step.hop.url.href).toBe('http://tsa.example.test/x%1B[31my');
  });
});
