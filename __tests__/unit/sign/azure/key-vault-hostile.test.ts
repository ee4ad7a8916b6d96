import { createSigner } from '../../../../src/run/key-inputs.js';
import { MAX_AZURE_ANSWER_BYTES } from '../../../../src/sign/azure/azure-http.js';
import { keyVaultScope } from '../../../../src/sign/azure/key-vault-client.js';
import {
  answer,
  redirectTo,
  startHostileServer,
  streamBody,
  type HostileServer,
} from '../../../helpers/hostile-http-server.js';
import { createTestPki, type TestPki } from '../../../helpers/pki.js';

/**
 * A Key Vault that misbehaves: its answers are bounded, it cannot redirect the bearer token
 * elsewhere, and a certificate whose `kid` names another host gets no request there.
 */
const TOKEN = 'kv-token-6a2f-never-elsewhere';
let pki: TestPki;
const servers: HostileServer[] = [];

beforeAll(async () => {
  pki = await createTestPki();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Parameters<typeof startHostileServer>[0]): Promise<HostileServer> {
  const server = await startHostileServer(handler);
  servers.push(server);
  return server;
}

function signerFor(vaultUrl: string) {
  return createSigner({
    azureKeyVault: {
      vaultUrl,
      certificateName: 'release',
      credential: { kind: 'access-token', accessToken: TOKEN },
    },
    source: 'test',
  });
}

describe('a hostile Key Vault', () => {
  it('that streams without end: reading stops at the limit (NUPKG006)', async () => {
    const vault = await serve(streamBody());
    await expect(signerFor(vault.origin)).rejects.toMatchObject({
      code: 'NUPKG006',
      message: expect.stringContaining(`sent more than ${MAX_AZURE_ANSWER_BYTES} bytes`) as string,
    });
    expect(vault.bytesSent).toBeLessThan(MAX_AZURE_ANSWER_BYTES + 16 * 1024 * 1024);
  });

  it('that redirects: the redirect is not followed, the token reaches no other host', async () => {
    const elsewhere = await serve(answer('{}', 'application/json'));
    const vault = await serve(redirectTo(307, `${elsewhere.origin}/certificates/release`));
    await expect(signerFor(vault.origin)).rejects.toMatchObject({
      code: 'NUPKG006',
      message: expect.stringContaining('which was not followed') as string,
    });
    expect(elsewhere.requests).toEqual([]);
  });

  it('whose certificate names a key on another host: NU3001, nothing sent there', async () => {
    const elsewhere = await serve(answer('{}', 'application/json'));
    const vault = await serve(
      answer(
        JSON.stringify({
          cer: Buffer.from(pki.leaf.certificate).toString('base64'),
          kid: `${elsewhere.origin}/keys/release/0123abcd`,
        }),
        'application/json',
      ),
    );
    await expect(signerFor(vault.origin)).rejects.toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining('which is not a key version in the same vault') as string,
    });
    expect(elsewhere.requests).toEqual([]);
    expect(vault.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`]);
  });

  it('that answers something other than JSON: NU3001', async () => {
    const vault = await serve(answer('<html>login</html>', 'text/html'));
    await expect(signerFor(vault.origin)).rejects.toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining(
        'answered with something that is not a JSON object',
      ) as string,
    });
  });

  it('that answers without a certificate: NU3001 naming a pending certificate', async () => {
    const vault = await serve(answer('{"id":"x"}', 'application/json'));
    await expect(signerFor(vault.origin)).rejects.toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining("no 'cer' in its answer") as string,
    });
  });
});

describe('the Key Vault URL', () => {
  it.each([
    ['http://contoso.vault.azure.net', 'must use https'],
    ['https://contoso.vault.azure.net/keys/x', 'without a path'],
    ['https://user:pw@contoso.vault.azure.net', 'has a user name or password in it'],
    ['vault', 'is not an absolute http or https URL'],
  ])('%s is refused before any request (NUPKG003: %s)', async (url, message) => {
    await expect(signerFor(url)).rejects.toMatchObject({
      code: 'NUPKG003',
      message: expect.stringContaining(message) as string,
    });
  });

  it('a certificate name with a path in it is refused (NUPKG003)', async () => {
    await expect(
      createSigner({
        azureKeyVault: {
          vaultUrl: 'https://contoso.vault.azure.net',
          certificateName: '../keys/other',
          credential: { kind: 'access-token', accessToken: TOKEN },
        },
        source: 'test',
      }),
    ).rejects.toMatchObject({ code: 'NUPKG003' });
  });
});

describe('the token scope', () => {
  it.each([
    ['https://contoso.vault.azure.net', 'https://vault.azure.net/.default'],
    ['https://contoso.vault.usgovcloudapi.net', 'https://vault.usgovcloudapi.net/.default'],
    ['https://contoso.vault.azure.cn', 'https://vault.azure.cn/.default'],
    ['http://127.0.0.1:8080', 'https://vault.azure.net/.default'],
  ])('of %s is %s', (vault, scope) => {
    expect(keyVaultScope(new URL(vault))).toBe(scope);
  });
});
