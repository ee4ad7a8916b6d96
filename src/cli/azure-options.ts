import { NupkgSigningError } from '../errors.js';
import type { KeyInputs } from '../run/key-inputs.js';
import { chooseAzureCredential } from '../sign/azure/choose-credential.js';
import { githubOidcEndpoint } from '../sign/azure/github-oidc.js';

const DEFAULT_CLIENT_SECRET_VARIABLE = 'AZURE_CLIENT_SECRET';
const DEFAULT_ACCESS_TOKEN_VARIABLE = 'NUPKG_SIGNING_AZURE_ACCESS_TOKEN';

/** The `sign` options for Azure Key Vault (docs/azure-key-vault.md), for parseArgs. */
export const AZURE_KEY_VAULT_OPTIONS = {
  'azure-key-vault': { type: 'string' },
  'azure-key-vault-certificate': { type: 'string' },
  'azure-key-vault-certificate-version': { type: 'string' },
  'azure-tenant-id': { type: 'string' },
  'azure-client-id': { type: 'string' },
  'azure-client-secret-env': { type: 'string', default: DEFAULT_CLIENT_SECRET_VARIABLE },
  'azure-access-token-env': { type: 'string', default: DEFAULT_ACCESS_TOKEN_VARIABLE },
  'azure-authority': { type: 'string' },
} as const;

export const AZURE_KEY_VAULT_USAGE = `Azure Key Vault (docs/azure-key-vault.md; --certificate-chain gives the issuers):
  --azure-key-vault-certificate NAME    the certificate in --azure-key-vault whose key signs
  --azure-key-vault-certificate-version VERSION   default: the current version
  --azure-tenant-id ID, --azure-client-id ID      the app registration or managed identity
  --azure-access-token-env NAME   env var with a Key Vault access token, used first when set
                                  (default ${DEFAULT_ACCESS_TOKEN_VARIABLE})
  --azure-client-secret-env NAME  env var with the client secret, used next when set
                                  (default ${DEFAULT_CLIENT_SECRET_VARIABLE}); else GitHub's OIDC
                                  token when the job has 'id-token: write'
  --azure-authority URL           Entra ID host (default https://login.microsoftonline.com)`;

export interface AzureKeyVaultOptionValues {
  readonly 'azure-key-vault'?: string | undefined;
  readonly 'azure-key-vault-certificate'?: string | undefined;
  readonly 'azure-key-vault-certificate-version'?: string | undefined;
  readonly 'azure-tenant-id'?: string | undefined;
  readonly 'azure-client-id'?: string | undefined;
  readonly 'azure-client-secret-env': string;
  readonly 'azure-access-token-env': string;
  readonly 'azure-authority'?: string | undefined;
}

/** The Key Vault key inputs; secrets come from the variables the options name, never argv. */
export function azureKeyVaultInputs(
  values: AzureKeyVaultOptionValues,
  env: NodeJS.ProcessEnv,
): Pick<KeyInputs, 'azureKeyVault'> {
  const vaultUrl = values['azure-key-vault'];
  if (vaultUrl === undefined) return {};
  const certificateName = values['azure-key-vault-certificate'];
  if (certificateName === undefined) {
    throw new NupkgSigningError(
      'NUPKG003',
      '--azure-key-vault needs --azure-key-vault-certificate: the name of the certificate whose key signs.',
    );
  }
  const secretVariable = values['azure-client-secret-env'];
  const tokenVariable = values['azure-access-token-env'];
  const given = (value: string | undefined) => (value ? value : undefined);
  const oidc = githubOidcEndpoint(env);
  const credential = chooseAzureCredential(
    {
      ...optional('tenantId', values['azure-tenant-id']),
      ...optional('clientId', values['azure-client-id']),
      ...optional('clientSecret', given(env[secretVariable])),
      ...optional('accessToken', given(env[tokenVariable])),
      ...optional('authorityHost', values['azure-authority']),
      ...(oidc === undefined ? {} : { oidc }),
    },
    {
      tenantId: '--azure-tenant-id',
      clientId: '--azure-client-id',
      clientSecret: `the ${secretVariable} variable`,
      accessToken: `the ${tokenVariable} variable`,
    },
  );
  const version = values['azure-key-vault-certificate-version'];
  return {
    azureKeyVault: {
      vaultUrl,
      certificateName,
      ...(version === undefined ? {} : { certificateVersion: version }),
      credential,
    },
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
