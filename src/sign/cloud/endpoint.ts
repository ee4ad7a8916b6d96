import { NupkgSigningError } from '../../errors.js';
import { checkHttpUrl } from '../../http/request.js';
import { displayUrl } from '../../http/url.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A key service endpoint given instead of the public one (a VPC or Private Service Connect
 * endpoint, a test server): https, or plain http on loopback only, so credentials and signatures
 * never cross a network in clear. Returns the URL without a trailing slash.
 */
export function serviceEndpoint(url: string, what: string): string {
  const parsed = checkHttpUrl(url, what);
  if (parsed.protocol !== 'https:' && !LOOPBACK_HOSTS.has(parsed.hostname)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `${what} ${displayUrl(parsed)} must use https (plain http is accepted only for 127.0.0.1, localhost and [::1]).`,
    );
  }
  return parsed.href.replace(/\/+$/, '');
}
