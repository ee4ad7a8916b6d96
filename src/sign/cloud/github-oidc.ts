import { NupkgSigningError } from '../../errors.js';
import { githubOidcEndpoint, requestGithubIdToken } from '../azure/github-oidc.js';

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
  const endpoint = githubOidcEndpoint(env);
  if (endpoint === undefined) {
    throw new NupkgSigningError(
      'NUPKG003',
      `${needs} needs GitHub's OIDC token, but ACTIONS_ID_TOKEN_REQUEST_URL is not set: give the job 'permissions: id-token: write' (and contents: read), or run where GitHub Actions issues OIDC tokens.`,
    );
  }
  // One client for GitHub's token service, shared with the Azure provider.
  return requestGithubIdToken(endpoint, audience);
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
