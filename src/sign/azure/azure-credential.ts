import { NupkgSigningError } from '../../errors.js';
import { checkHttpUrl } from '../../http/url.js';
import { httpStatus, requestJson, stringField } from './azure-http.js';
import {
  AZURE_FEDERATION_AUDIENCE,
  requestGithubIdToken,
  type GithubOidcEndpoint,
} from './github-oidc.js';

export const DEFAULT_AZURE_AUTHORITY = 'https://login.microsoftonline.com';

/** The Entra ID application (service principal) a token is requested for. */
interface EntraApplication {
  readonly tenantId: string;
  readonly clientId: string;
  /** Entra ID's host; default DEFAULT_AZURE_AUTHORITY (sovereign clouds have their own). */
  readonly authorityHost?: string;
}

/**
 * How to get a token for an Azure service (docs/azure-key-vault.md, "Authentication"):
 * - `github-oidc`: the job's GitHub OIDC token, exchanged at Entra ID through a federated
 *   credential (workload identity federation; no stored secret);
 * - `client-secret`: a service principal's client secret;
 * - `access-token`: a token the workflow already has (azure/login, then
 *   `az account get-access-token --resource https://vault.azure.net`).
 */
export type AzureCredential =
  | (EntraApplication & { readonly kind: 'github-oidc'; readonly oidc: GithubOidcEndpoint })
  | (EntraApplication & { readonly kind: 'client-secret'; readonly clientSecret: string })
  | { readonly kind: 'access-token'; readonly accessToken: string };

/** Gives the access token for one scope; asks Entra ID once and again only when told to renew. */
export interface TokenSource {
  token(): Promise<string>;
  /** A fresh token after the service refused the last one; undefined when none can be had. */
  renew(): Promise<string> | undefined;
  /** For messages: which credential, never its secret. */
  readonly description: string;
  /** Whether `renew` can get a new token (false for a token given by the workflow). */
  readonly renewable: boolean;
}

export function tokenSource(credential: AzureCredential, scope: string): TokenSource {
  if (credential.kind === 'access-token') {
    return {
      token: () => Promise.resolve(credential.accessToken),
      renew: () => undefined,
      description: 'the given access token',
      renewable: false,
    };
  }
  let current: Promise<string> | undefined;
  const fetchToken = () => requestEntraToken(credential, scope);
  return {
    token: () => (current ??= fetchToken()),
    renew: () => (current = fetchToken()),
    description: describeApplication(credential),
    renewable: true,
  };
}

/**
 * The client credentials grant at `{authority}/{tenant}/oauth2/v2.0/token` (Microsoft identity
 * platform): with `client_secret`, or with the GitHub token as `client_assertion`
 * (`client_assertion_type` jwt-bearer). The answer's `access_token` is the bearer token.
 */
async function requestEntraToken(
  credential: Exclude<AzureCredential, { kind: 'access-token' }>,
  scope: string,
): Promise<string> {
  const url = tokenEndpoint(credential);
  const form = new URLSearchParams({
    client_id: credential.clientId,
    scope,
    grant_type: 'client_credentials',
  });
  if (credential.kind === 'client-secret') {
    form.set('client_secret', credential.clientSecret);
  } else {
    form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    form.set(
      'client_assertion',
      await requestGithubIdToken(credential.oidc, AZURE_FEDERATION_AUDIENCE),
    );
  }
  let answer: Record<string, unknown>;
  try {
    answer = await requestJson({
      url,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new TextEncoder().encode(form.toString()),
      service: 'Entra ID',
      responseName: 'a token answer',
    });
  } catch (error) {
    const status = httpStatus(error);
    if (status === 400 || status === 401) {
      throw new NupkgSigningError('NU3001', refusedMessage(credential, status), { cause: error });
    }
    throw error;
  }
  const token = stringField(answer, 'access_token');
  if (token === undefined || token === '') {
    throw new NupkgSigningError(
      'NU3001',
      `Entra ID answered the token request for ${describeApplication(credential)} without an access_token.`,
    );
  }
  return token;
}

function tokenEndpoint(credential: EntraApplication): string {
  const authority = (credential.authorityHost ?? DEFAULT_AZURE_AUTHORITY).replace(/\/+$/, '');
  // A client secret or assertion is sent there: https only (plain http for loopback tests).
  checkHttpUrl(authority, 'The Entra ID authority', { httpsUnlessLoopback: true });
  if (!/^[A-Za-z0-9.-]+$/.test(credential.tenantId)) {
    throw new NupkgSigningError(
      'NUPKG003',
      'The Azure tenant id must be a GUID or a domain name (such as contoso.onmicrosoft.com).',
    );
  }
  if (!/^[A-Za-z0-9-]+$/.test(credential.clientId)) {
    throw new NupkgSigningError(
      'NUPKG003',
      'The Azure client id must be the application (client) id, a GUID.',
    );
  }
  return `${authority}/${credential.tenantId}/oauth2/v2.0/token`;
}

function refusedMessage(
  credential: Exclude<AzureCredential, { kind: 'access-token' }>,
  status: number,
): string {
  const who = describeApplication(credential);
  const fix =
    credential.kind === 'github-oidc'
      ? "check the tenant and client ids, and that the app registration (or managed identity) has a federated credential for this repository whose subject matches the job (e.g. 'repo:OWNER/REPO:environment:release' or 'repo:OWNER/REPO:ref:refs/heads/main'), issuer https://token.actions.githubusercontent.com and audience api://AzureADTokenExchange"
      : 'check the tenant and client ids and the client secret (it may have expired: secrets have an end date in the app registration)';
  return `Entra ID refused the token request for ${who} (HTTP ${status}): ${fix}.`;
}

function describeApplication(credential: EntraApplication & { kind: string }): string {
  const how = credential.kind === 'github-oidc' ? "GitHub's OIDC token" : 'a client secret';
  return `client ${credential.clientId} in tenant ${credential.tenantId} (${how})`;
}
