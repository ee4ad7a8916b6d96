import { NupkgSigningError } from '../../errors.js';
import type { AzureCredential } from './azure-credential.js';
import type { GithubOidcEndpoint } from './github-oidc.js';

/** What a front end was given; each value absent or non-empty. */
export interface AzureCredentialSettings {
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly accessToken?: string;
  readonly authorityHost?: string;
  /** The job's OIDC endpoint, when the runner offers one (`id-token: write`). */
  readonly oidc?: GithubOidcEndpoint;
}

/** How the front end names each setting in messages (a flag or an input). */
export interface AzureSettingNames {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accessToken: string;
}

/**
 * One credential from the settings, in this order: a given access token, else a client secret,
 * else GitHub's OIDC token (the default in Actions: no stored secret). The CLI and the action
 * both choose here, so they accept the same combinations and say the same thing about mistakes.
 */
export function chooseAzureCredential(
  settings: AzureCredentialSettings,
  names: AzureSettingNames,
): AzureCredential {
  const fail = (message: string) => new NupkgSigningError('NUPKG003', message);
  if (settings.accessToken !== undefined) {
    if (settings.clientSecret !== undefined) {
      throw fail(`Give either ${names.accessToken} or ${names.clientSecret}, not both.`);
    }
    return { kind: 'access-token', accessToken: settings.accessToken };
  }
  const { tenantId, clientId } = settings;
  const how = settings.clientSecret !== undefined ? 'a client secret' : "GitHub's OIDC token";
  if (tenantId === undefined || clientId === undefined) {
    throw fail(
      `Signing with Azure through ${how} needs ${names.tenantId} and ${names.clientId} (the app registration's or managed identity's directory and client ids).`,
    );
  }
  const application = {
    tenantId,
    clientId,
    ...(settings.authorityHost === undefined ? {} : { authorityHost: settings.authorityHost }),
  };
  if (settings.clientSecret !== undefined) {
    return { kind: 'client-secret', clientSecret: settings.clientSecret, ...application };
  }
  if (settings.oidc === undefined) {
    throw fail(
      `No Azure credential: in GitHub Actions grant the job 'permissions: id-token: write' so that its OIDC token can be exchanged through a federated credential; elsewhere give a client secret (${names.clientSecret}) or an access token (${names.accessToken}).`,
    );
  }
  return { kind: 'github-oidc', oidc: settings.oidc, ...application };
}
