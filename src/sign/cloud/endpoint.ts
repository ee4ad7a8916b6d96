import { checkHttpUrl } from '../../http/url.js';

/**
 * A key service endpoint given instead of the public one (a VPC or Private Service Connect
 * endpoint, a test server): https, or plain http on loopback only, so credentials and signatures
 * never cross a network in clear. Returns the URL without a trailing slash.
 */
export function serviceEndpoint(url: string, what: string): string {
  return checkHttpUrl(url, what, { httpsUnlessLoopback: true }).href.replace(/\/+$/, '');
}
