import { NupkgSigningError } from '../errors.js';
import type { KeyInputs } from '../run/key-inputs.js';
import { chooseAzureCredential } from '../sign/azure/choose-credential.js';
import { githubOidcEndpoint, type GithubOidcEndpoint } from '../sign/azure/github-oidc.js';
import { refuseOtherKeySources } from './key-source.js';

/** The Azure Key Vault inputs (docs/azure-key-vault.md), as GitHub passes them ('' when not set). */
export interface AzureKeyVaultActionInputs {
  readonly vaultUrl: string;
  readonly certificate: string;
  readonly certificateVersion: string;
  readonly tenantId: string;
  readonly clientId: string;
  /** Masked by read-inputs.ts before anything else runs. */
  readonly clientSecret: string;
  /** Masked by read-inputs.ts before anything else runs. */
  readonly accessToken: string;
  readonly authorityHost: string;
  /** The job's OIDC endpoint (ACTIONS_ID_TOKEN_REQUEST_*), present with `id-token: write`. */
  readonly oidc?: GithubOidcEndpoint;
}

/** Reads the Key Vault inputs once; the only place besides read-inputs.ts that knows their names. */
export function readAzureKeyVaultInputs(
  get: (name: string) => string,
  env: NodeJS.ProcessEnv,
): AzureKeyVaultActionInputs {
  const oidc = githubOidcEndpoint(env);
  return {
    vaultUrl: get('azure-key-vault-url'),
    certificate: get('azure-key-vault-certificate'),
    certificateVersion: get('azure-key-vault-certificate-version'),
    tenantId: get('azure-tenant-id'),
    clientId: get('azure-client-id'),
    clientSecret: get('azure-client-secret'),
    accessToken: get('azure-access-token'),
    authorityHost: get('azure-authority-host'),
    ...(oidc === undefined ? {} : { oidc }),
  };
}

/** The secrets among the inputs, for read-inputs.ts to mask. */
export function azureKeyVaultSecrets(inputs: AzureKeyVaultActionInputs | undefined): string[] {
  if (inputs === undefined) return [];
  return [inputs.clientSecret, inputs.accessToken, inputs.oidc?.requestToken ?? ''];
}

/**
 * The key inputs for a Key Vault certificate; `otherKeys` names the other key inputs that were
 * also given (they exclude each other). `certificateChainPem` gives the certificate's issuers.
 */
export function azureKeyVaultKeyInputs(
  inputs: AzureKeyVaultActionInputs,
  otherKeys: readonly string[],
  certificateChainPem: string | undefined,
): KeyInputs {
  const fail = (message: string) => new NupkgSigningError('NUPKG003', message);
  refuseOtherKeySources('azure-key-vault-url', otherKeys);
  const certificateName = inputs.certificate.trim();
  if (certificateName === '') {
    throw fail(
      "Input 'azure-key-vault-url' needs 'azure-key-vault-certificate': the name of the certificate whose key signs.",
    );
  }
  const value = (text: string) => (text.trim() === '' ? undefined : text.trim());
  const given = (name: string, text: string | undefined) =>
    text === undefined || text === '' ? {} : { [name]: text };
  const credential = chooseAzureCredential(
    {
      ...given('tenantId', value(inputs.tenantId)),
      ...given('clientId', value(inputs.clientId)),
      ...given('clientSecret', inputs.clientSecret),
      ...given('accessToken', inputs.accessToken),
      ...given('authorityHost', value(inputs.authorityHost)),
      ...(inputs.oidc === undefined ? {} : { oidc: inputs.oidc }),
    },
    {
      tenantId: "'azure-tenant-id'",
      clientId: "'azure-client-id'",
      clientSecret: "'azure-client-secret'",
      accessToken: "'azure-access-token'",
    },
  );
  const version = value(inputs.certificateVersion);
  return {
    azureKeyVault: {
      vaultUrl: inputs.vaultUrl.trim(),
      certificateName,
      ...(version === undefined ? {} : { certificateVersion: version }),
      credential,
    },
    ...(certificateChainPem === undefined ? {} : { certificateChainPem }),
    source: "the 'azure-key-vault-url' input",
  };
}
