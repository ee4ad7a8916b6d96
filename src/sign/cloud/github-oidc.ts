import { NupkgSigningError } from '../../errors.js';
import { sendWithRetries, STANDARD_BACKOFF } from '../../http/retry.js';

/**
 * GitHub Actions' OIDC token for a cloud's workload identity federation: the runner sets
 * ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN when the job has
 * `permissions: id-token: write`; a GET with the audience returns `{"value": "<JWT>"}`
 * (docs.github.com, "About security hardening with OpenID Connect"). The token is a secret: it
 * goes to the cloud's token service only and never into a message.
 */
export async function requestGitHubOidcToken(
  audience: string,
  env: NodeJS.ProcessEnv,
  needs: string,
): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !requestToken) {
    throw new NupkgSigningError(
      'NUPKG003',
      `${needs} needs GitHub's OIDC token, but ACTIONS_ID_TOKEN_REQUEST_URL is not set: give the job 'permissions: id-token: write' (and contents: read), or run where GitHub Actions issues OIDC tokens.`,
    );
  }
  const target = new URL(url);
  target.searchParams.set('audience', audience);
  const answer = await sendWithRetries(
    {
      url: target.href,
      method: 'GET',
      headers: { Authorization: `Bearer ${requestToken}`, Accept: 'application/json' },
      maxResponseBytes: 64 * 1024,
      responseName: 'an OIDC token answer',
      timeoutMs: 20_000,
      redirects: { refuse: 'the request token goes only to the URL GitHub set' },
      service: "GitHub's OIDC token service",
    },
    { retries: 2, ...STANDARD_BACKOFF, honourRetryAfter: true },
  );
  const value = parseJsonObject(answer.body)?.value;
  if (typeof value !== 'string' || value === '') {
    throw new NupkgSigningError(
      'NUPKG006',
      "GitHub's OIDC token service answered without a token (no 'value').",
    );
  }
  return value;
}

/** A JSON object from a service's answer, or undefined when the body is not one. */
export function parseJsonObject(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
