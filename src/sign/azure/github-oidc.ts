import { NupkgSigningError } from '../../errors.js';
import { httpStatus, requestJson, stringField } from './azure-http.js';

/** The audience Entra ID expects in a federated credential's token (workload identity federation). */
export const AZURE_FEDERATION_AUDIENCE = 'api://AzureADTokenExchange';

/** Where a job asks GitHub for its OIDC token: set by the runner when `id-token: write` is granted. */
export interface GithubOidcEndpoint {
  /** ACTIONS_ID_TOKEN_REQUEST_URL */
  readonly requestUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN; sent only as the Authorization header of that request. */
  readonly requestToken: string;
}

/** Reads the endpoint from the environment, or undefined when the job may not request a token. */
export function githubOidcEndpoint(env: NodeJS.ProcessEnv): GithubOidcEndpoint | undefined {
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  return requestUrl && requestToken ? { requestUrl, requestToken } : undefined;
}

/**
 * Asks GitHub for the job's OIDC token (a JWT) with the given audience, as actions/core's
 * getIDToken does: GET the request URL with `audience` added, answer `{"value": "<jwt>"}`.
 */
export async function requestGithubIdToken(
  endpoint: GithubOidcEndpoint,
  audience: string,
): Promise<string> {
  const url = new URL(endpoint.requestUrl);
  url.searchParams.set('audience', audience);
  let answer: Record<string, unknown>;
  try {
    answer = await requestJson({
      url: url.href,
      method: 'GET',
      headers: { Authorization: `Bearer ${endpoint.requestToken}` },
      service: "GitHub's OIDC token service",
      responseName: 'an OIDC token answer',
    });
  } catch (error) {
    const status = httpStatus(error);
    if (status === 401 || status === 403) {
      throw new NupkgSigningError(
        'NU3001',
        `GitHub refused the job's OIDC token request (HTTP ${status}): the job needs 'permissions: id-token: write' (workflows from forks never get it).`,
        { cause: error },
      );
    }
    throw error;
  }
  const token = stringField(answer, 'value');
  if (token === undefined || token.split('.').length !== 3) {
    throw new NupkgSigningError(
      'NU3001',
      "GitHub's OIDC token service answered without a token (no JWT in 'value').",
    );
  }
  return token;
}
