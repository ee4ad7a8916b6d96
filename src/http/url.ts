/**
 * The one check of a URL before anything is sent, and the one way a URL is shown in a message.
 * Only http and https are ever requested (no file:, ftp:, data: or ldap:), and a URL shown to the
 * user never carries what could be a secret: `user:password@`, query values (signed URLs put
 * their signature there) and the fragment are left out.
 */

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

/**
 * Hosts where plain http is accepted for a request that carries a token: traffic to them never
 * leaves the machine (tests, a local signing proxy). Everything else must use https.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
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
