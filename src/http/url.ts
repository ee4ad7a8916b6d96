/**
 * The one check of a URL before anything is sent, and the one way a URL is shown in a message.
 * Only http and https are ever requested (no file:, ftp:, data: or ldap:), and a URL shown to the
 * user never carries what could be a secret: `user:password@`, query values (signed URLs put
 * their signature there) and the fragment are left out.
 */
import { NupkgSigningError } from '../errors.js';

/** The URL when `text` is an absolute http or https URL, else undefined. */
export function parseHttpUrl(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}

/**
 * Credentials written into a URL are never sent: Node would turn them into a Basic
 * Authorization header, and a redirect target could collect them.
 */
export function hasCredentials(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

export function isHttpUrl(text: string): boolean {
  return parseHttpUrl(text) !== undefined;
}

/**
 * Scheme, host, port and path; `?…` stands for a query. URL serialization percent-encodes
 * control characters and spaces, so a hostile Location header cannot break a log line either.
 * Text that is no URL at all is shown quoted and cut short.
 */
export function displayUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return JSON.stringify(String(url).slice(0, 100));
  }
  if (parsed.host === '') return `${parsed.protocol}…`;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}

/** Hosts that never leave the machine: plain http to them crosses no network. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface UrlRules {
  /**
   * For a URL a secret is sent to (a bearer token): https, or plain http to a loopback host
   * only, so that the secret never crosses a network in clear.
   */
  readonly httpsUnlessLoopback?: boolean;
  /**
   * false: leave the user name and password to the check of each request (sendHttpRequest),
   * for a client that is set up long before it sends. Default true.
   */
  readonly refuseCredentials?: boolean;
}

/**
 * The URL check every request passes, and each client's own check of the URLs it is given: an
 * absolute http(s) URL, without user name or password, and https where `rules` ask for it.
 * Throws NUPKG003 naming it as `what` ("The timestamp server URL"); the URL is shown without
 * credentials or query.
 */
export function checkHttpUrl(url: string, what: string, rules: UrlRules = {}): URL {
  const parsed = parseHttpUrl(url);
  const refuse = (why: string) =>
    new NupkgSigningError('NUPKG003', `${what} ${displayUrl(parsed ?? url)} ${why}`);
  if (parsed === undefined) throw refuse('is not an absolute http or https URL.');
  if (rules.httpsUnlessLoopback && parsed.protocol !== 'https:') {
    if (!LOOPBACK_HOSTS.has(parsed.hostname)) {
      throw refuse(
        'must use https (plain http is accepted only for 127.0.0.1, localhost and [::1]).',
      );
    }
  }
  if (rules.refuseCredentials !== false && hasCredentials(parsed)) {
    throw refuse('has a user name or password in it; credentials are never sent from a URL.');
  }
  return parsed;
}
