import {
  azureKeyVaultKeyInputs,
  azureKeyVaultSecrets,
  type AzureKeyVaultActionInputs,
} from '../../../../src/action/azure-inputs.js';
import { resolveInputs } from '../../../../src/action/inputs.js';
import { azureKeyVaultInputs } from '../../../../src/cli/azure-options.js';
import { chooseAzureCredential } from '../../../../src/sign/azure/choose-credential.js';
import { actionInputs, readActionInputsInProcess } from '../../../helpers/action-inputs.js';

const OIDC = {
  requestUrl: 'https://pipelines.example/idtoken?api-version=2.0',
  requestToken: 'rt',
};
const NAMES = {
  tenantId: '--tenant',
  clientId: '--client',
  clientSecret: 'SECRET',
  accessToken: 'TOKEN',
};
const INPUTS: AzureKeyVaultActionInputs = {
  vaultUrl: ' https://contoso.vault.azure.net ',
  certificate: 'release',
  certificateVersion: '',
  tenantId: ' tenant ',
  clientId: 'client',
  clientSecret: '',
  accessToken: '',
  authorityHost: '',
  oidc: OIDC,
};

describe('choosing the Azure credential', () => {
  it('takes a given access token first, then a client secret, then the OIDC token', () => {
    const app = { tenantId: 't', clientId: 'c', oidc: OIDC };
    expect(chooseAzureCredential({ ...app, accessToken: 'a' }, NAMES)).toEqual({
      kind: 'access-token',
      accessToken: 'a',
    });
    expect(chooseAzureCredential({ ...app, clientSecret: 's' }, NAMES)).toEqual({
      kind: 'client-secret',
      tenantId: 't',
      clientId: 'c',
      clientSecret: 's',
    });
    expect(
      chooseAzureCredential({ ...app, authorityHost: 'https://login.example' }, NAMES),
    ).toEqual({
      kind: 'github-oidc',
      tenantId: 't',
      clientId: 'c',
      authorityHost: 'https://login.example',
      oidc: OIDC,
    });
  });

  it.each([
    [{ accessToken: 'a', clientSecret: 's' }, 'Give either TOKEN or SECRET, not both.'],
    [{ clientSecret: 's', clientId: 'c' }, 'through a client secret needs --tenant and --client'],
    [{ tenantId: 't', oidc: OIDC }, "through GitHub's OIDC token needs --tenant and --client"],
    [
      { tenantId: 't', clientId: 'c' },
      "No Azure credential: in GitHub Actions grant the job 'permissions: id-token: write'",
    ],
  ])('refuses %j with NUPKG003', (settings, message) => {
    expect(() => chooseAzureCredential(settings, NAMES)).toThrow(
      expect.objectContaining({
        code: 'NUPKG003',
        message: expect.stringContaining(message) as string,
      }) as Error,
    );
  });
});

describe('the action Key Vault inputs', () => {
  it('become a Key Vault key source using OIDC, trimmed, the chain added', () => {
    expect(azureKeyVaultKeyInputs(INPUTS, [], 'PEM')).toEqual({
      azureKeyVault: {
        vaultUrl: 'https://contoso.vault.azure.net',
        certificateName: 'release',
        credential: { kind: 'github-oidc', tenantId: 'tenant', clientId: 'client', oidc: OIDC },
      },
      certificateChainPem: 'PEM',
      source: "the 'azure-key-vault-url' input",
    });
  });

  it('keep a client secret exactly as given', () => {
    const key = azureKeyVaultKeyInputs({ ...INPUTS, clientSecret: ' s p ' }, [], undefined);
    expect(key.azureKeyVault?.credential).toMatchObject({
      kind: 'client-secret',
      clientSecret: ' s p ',
    });
  });

  it('name the secrets to mask: client secret, access token and the OIDC request token', () => {
    expect(azureKeyVaultSecrets({ ...INPUTS, clientSecret: 'cs', accessToken: 'at' })).toEqual([
      'cs',
      'at',
      'rt',
    ]);
  });

  it.each([
    [{}, ['pkcs11-module'], "Set either 'azure-key-vault-url' or 'pkcs11-module', not both."],
    [{ certificate: ' ' }, [], "needs 'azure-key-vault-certificate'"],
    [
      { clientSecret: 's', accessToken: 't' },
      [],
      "Give either 'azure-access-token' or 'azure-client-secret', not both.",
    ],
  ] as const)('refuse %j (others %j) with NUPKG003', (change, others, message) => {
    expect(() => azureKeyVaultKeyInputs({ ...INPUTS, ...change }, others, undefined)).toThrow(
      expect.objectContaining({
        code: 'NUPKG003',
        message: expect.stringContaining(message) as string,
      }) as Error,
    );
  });

  it('exclude a PFX given besides them, in resolveInputs', async () => {
    const inputs = actionInputs(
      { workspace: '/w', cwd: '/w' },
      { mode: 'sign', certificate: 'MIIabc', azureKeyVault: INPUTS },
    );
    await expect(resolveInputs(inputs, { mask: () => undefined })).rejects.toMatchObject({
      code: 'NUPKG003',
      message: "Set either 'azure-key-vault-url' or 'certificate', not both.",
    });
  });
});

describe('reading the action inputs', () => {
  it('registers the client secret, the access token and the OIDC request token as secrets before anything else', () => {
    const { inputs, printed } = readActionInputsInProcess({
      'INPUT_AZURE-KEY-VAULT-URL': 'https://contoso.vault.azure.net',
      'INPUT_AZURE-CLIENT-SECRET': 'cs-2f8e-secret',
      'INPUT_AZURE-ACCESS-TOKEN': 'at-9c1d-token',
      ACTIONS_ID_TOKEN_REQUEST_URL: OIDC.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'rt-5b7a-request',
    });
    const masks = printed.split('\n').filter((line) => line.startsWith('::add-mask::'));
    expect(masks).toEqual(
      expect.arrayContaining([
        '::add-mask::cs-2f8e-secret',
        '::add-mask::at-9c1d-token',
        '::add-mask::rt-5b7a-request',
      ]),
    );
    expect(inputs.azureKeyVault).toMatchObject({
      vaultUrl: 'https://contoso.vault.azure.net',
      clientSecret: 'cs-2f8e-secret',
      accessToken: 'at-9c1d-token',
      oidc: { requestUrl: OIDC.requestUrl, requestToken: 'rt-5b7a-request' },
    });
  });
});

describe('the CLI Key Vault options', () => {
  const values = {
    'azure-key-vault': 'https://contoso.vault.azure.net',
    'azure-key-vault-certificate': 'release',
    'azure-key-vault-certificate-version': '0123abcd',
    'azure-tenant-id': 't',
    'azure-client-id': 'c',
    'azure-client-secret-env': 'MY_SECRET',
    'azure-access-token-env': 'MY_TOKEN',
  };

  it('read the secret and the token from the variables the options name, never argv', () => {
    expect(azureKeyVaultInputs(values, { MY_SECRET: 's' })).toEqual({
      azureKeyVault: {
        vaultUrl: 'https://contoso.vault.azure.net',
        certificateName: 'release',
        certificateVersion: '0123abcd',
        credential: { kind: 'client-secret', tenantId: 't', clientId: 'c', clientSecret: 's' },
      },
    });
    expect(
      azureKeyVaultInputs(values, { MY_TOKEN: 'tok', MY_SECRET: '' }).azureKeyVault?.credential,
    ).toEqual({
      kind: 'access-token',
      accessToken: 'tok',
    });
    expect(
      azureKeyVaultInputs(values, {
        ACTIONS_ID_TOKEN_REQUEST_URL: OIDC.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'rt',
      }).azureKeyVault?.credential,
    ).toMatchObject({ kind: 'github-oidc', oidc: OIDC });
  });

  it('need the certificate name', () => {
    expect(() =>
      azureKeyVaultInputs({ ...values, 'azure-key-vault-certificate': undefined }, {}),
    ).toThrow(expect.objectContaining({ code: 'NUPKG003' }) as Error);
  });

  it('are not read without --azure-key-vault', () => {
    expect(azureKeyVaultInputs({ ...values, 'azure-key-vault': undefined }, {})).toEqual({});
  });
});
