import { sendHttpRequest } from '../../../src/http/request.js';
import { checkHttpUrl, displayUrl } from '../../../src/http/url.js';
import { LIMITS } from '../../../src/limits.js';
import { codedFailureOf, codeOf } from '../../helpers/codes.js';
import { answer, startHostileServer } from '../../helpers/hostile-http-server.js';

/** The one URL check of the edge, and the one way a URL is shown. */
describe('#checkHttpUrl', () => {
  it.each([
    'ftp://127.0.0.1/tsa',
    'file:///etc/passwd',
    'data:text/plain,hello',
    'ldap://ldap.example.test/cn=CA',
    'javascript:alert(1)',
    'ws://127.0.0.1/tsa',
    '//127.0.0.1/tsa',
    '/relative/path',
    '',
  ])('refuses %p with NUPKG003', (url) => {
    expect(codeOf(() => checkHttpUrl(url, 'The timestamp server URL'))).toBe('NUPKG003');
  });

  it('accepts http and https URLs', () => {
    expect(checkHttpUrl('http://127.0.0.1:8080/tsa', 'The URL').port).toBe('8080');
    expect(checkHttpUrl('https://timestamp.example.test/', 'The URL').protocol).toBe('https:');
  });

  it('refuses a user name or password without printing either, or the query', () => {
    let message = '';
    try {
      checkHttpUrl('https://alice:hunter2@tsa.example.test/rfc3161?token=abc#x', 'The URL');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      'The URL https://tsa.example.test/rfc3161?… has a user name or password in it; credentials are never sent from a URL.',
    );
  });

  it('asks for https where a secret is sent, except to a loopback host', () => {
    const secretGoesTo = (url: string) =>
      codeOf(() => checkHttpUrl(url, 'The sign URL', { httpsUnlessLoopback: true }));
    expect(secretGoesTo('https://signer.example.test/sign')).toBeUndefined();
    expect(secretGoesTo('http://127.0.0.1:9000/sign')).toBeUndefined();
    expect(secretGoesTo('http://localhost:9000/sign')).toBeUndefined();
    expect(secretGoesTo('http://[::1]:9000/sign')).toBeUndefined();
    expect(secretGoesTo('http://signer.example.test/sign')).toBe('NUPKG003');
    expect(secretGoesTo('http://127.0.0.2/sign')).toBe('NUPKG003');
  });

  it('can leave credentials to the check of each request', () => {
    const url = 'https://u:p@signer.example.test/sign';
    expect(codeOf(() => checkHttpUrl(url, 'The URL', { refuseCredentials: false }))).toBe(
      undefined,
    );
  });
});

describe('#sendHttpRequest URL check', () => {
  it('sends nothing to a URL with credentials, even to a live server, and never prints them', async () => {
    const server = await startHostileServer(answer('token'));
    try {
      const withCredentials = server.url.replace('http://', 'http://user:hunter2@');
      const error = await codedFailureOf(
        sendHttpRequest({
          url: withCredentials,
          method: 'GET',
          maxResponseBytes: LIMITS.maxCrlBytes,
          responseName: 'a CRL',
          timeoutMs: 2_000,
          redirects: 'follow',
        }),
      );
      expect(error.code).toBe('NUPKG003');
      expect(error.message).toContain(server.url);
      expect(error.message).not.toMatch(/hunter2|user:/);
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});

describe('#displayUrl', () => {
  it('shows scheme, host, port and path; never credentials, query values or fragment', () => {
    expect(displayUrl('https://a:b@h.example.test:8443/p/q?sig=1#frag')).toBe(
      'https://h.example.test:8443/p/q?…',
    );
  });

  it('quotes and cuts short text that is no URL', () => {
    expect(displayUrl(`not a url ${'x'.repeat(200)}`)).toBe(
      JSON.stringify(`not a url ${'x'.repeat(200)}`.slice(0, 100)),
    );
  });
});
