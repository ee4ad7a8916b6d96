import type { Hop } from './exchange.js';
import { displayUrl, hasCredentials, parseHttpUrl } from './url.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Headers that carry credentials: never sent to an origin the caller did not name. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/** Where a redirect leads, or why it is not followed (`to` is safe to print either way). */
export type RedirectStep =
  | { readonly follow: true; readonly hop: Hop }
  | { readonly follow: false; readonly to: string; readonly why: string };

/** How a client treats redirects: follow up to `maxHops`, or none, for the reason given. */
export type RedirectPolicy = { readonly maxHops: number } | { readonly refuse: string };

/**
 * Decides one redirect (RFC 9110 §15.4). 307 and 308 resend the same method and body. 303, and
 * 301/302 (which user agents historically turn into a GET), are followed for a GET only: every
 * POST we send carries its request in the body (a TimeStampReq, an OCSP request, a digest to
 * sign), so a GET to the new place could not answer it, and refusing says so clearly instead
 * of failing later with a confusing answer. Only http and https targets; never from https down
 * to plain http (as .NET's HttpClient refuses too); at most `maxHops`; no loops. Credentials
 * are dropped when the origin changes.
 */
export function nextHop(
  current: Hop,
  status: number,
  location: string | undefined,
  visited: ReadonlySet<string>,
  policy: RedirectPolicy,
): RedirectStep {
  if (location === undefined || location === '') {
    return { follow: false, to: 'nowhere', why: 'the answer has no Location header' };
  }
  let target: URL;
  try {
    target = new URL(location, current.url);
  } catch {
    return { follow: false, to: 'an invalid URL', why: 'the Location header is not a URL' };
  }
  target.hash = '';
  const to = displayUrl(target);
  const refuse = (why: string): RedirectStep => ({ follow: false, to, why });
  if ('refuse' in policy) return refuse(policy.refuse);
  if (parseHttpUrl(target.href) === undefined) {
    return refuse('only http and https URLs are requested');
  }
  if (hasCredentials(target)) return refuse('its URL carries a user name or password');
  if (current.url.protocol === 'https:' && target.protocol === 'http:') {
    return refuse('it would leave https for plain http');
  }
  if (visited.has(target.href)) return refuse('it leads back to a URL already visited (a loop)');
  if (visited.size > policy.maxHops) return refuse(`more than ${policy.maxHops} redirects`);

  const keepsMethod = status === 307 || status === 308;
  if (current.method !== 'GET' && !keepsMethod) {
    return refuse(
      `HTTP ${status} would turn the ${current.method} into a GET without its request body (only 307 and 308 resend it); use the final URL instead`,
    );
  }
  const sameOrigin = target.origin === current.url.origin;
  const headers = Object.fromEntries(
    Object.entries(current.headers).filter(
      ([name]) => sameOrigin || !CREDENTIAL_HEADERS.has(name.toLowerCase()),
    ),
  );
  return { follow: true, hop: { ...current, url: target, headers } };
}
