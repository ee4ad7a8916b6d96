/**
 * Signing with a certificate's key in Azure Key Vault, against a fake Azure on 127.0.0.1 that
 * speaks the documented protocols (GitHub OIDC → Entra ID token endpoint → Key Vault 7.4) and
 * holds the only copy of the signing key: through the CLI, the run layer and the action's input
 * reading, with each credential kind; the packages pass our verify and `dotnet nuget verify
 * --all`; no secret or token reaches any output; the service's refusals become coded messages.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSign } from '../../src/cli/commands/sign.js';
import { runVerify } from '../../src/cli/commands/verify.js';
import type { CommandOutput } from '../../src/cli/output.js';
import { createSigner, type KeyInputs } from '../../src/run/key-inputs.js';
import { runSigning, type SignRunOptions } from '../../src/run/sign-run.js';
import type { AzureCredential } from '../../src/sign/azure/azure-credential.js';
import { readActionInputsInProcess, runActionInProcess } from '../helpers/action-inputs.js';
import { createShadowSdk, haveDotnet, runDotnetAsync } from '../helpers/dotnet-shadow-sdk.js';
import { startFakeAzure, type FakeAzure } from '../helpers/fake-azure.js';
import {
  createTestPki,
  generateTestKeyPair,
  type TestCertificate,
  type TestPki,
} from '../helpers/pki.js';
import { createTimestampAuthority } from '../helpers/tsa.js';
import { startTsaServer, type TsaServer } from '../helpers/tsa-server.js';
import { useTempDir } from '../helpers/temp-files.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';

if (!haveDotnet) {
  console.warn(
    'Azure Key Vault signing tests: `dotnet` is not on PATH, so dotnet nuget verify is skipped.',
  );
}

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '0f6a3c2e-5b1d-4e8f-9a7c-1d2e3f4a5b6c';
const SECRET = 'client-secret-Q8~never-printed-3b9f';
const SUBJECT = 'repo:contoso/widgets:environment:release';
const CERTIFICATE = 'release-signing';

const temp = useTempDir();
let pki: TestPki;
let vaultLeaf: TestCertificate;
let azure: FakeAzure;
let tsa: TsaServer;
let files: { chain: string; roots: string };
let shadowDotnet: string | undefined;
let counter = 0;

beforeAll(async () => {
  pki = await createTestPki();
  // A key of its own, handed to the fake vault only: nothing else in this file signs with it.
  const vaultKey = await generateTestKeyPair('RSA', 2048);
  vaultLeaf = await pki.intermediate.issueLeaf({
    subject: 'CN=Vault Code Signing, O=nupkg-signing tests',
    keyPair: vaultKey,
  });
  const ecLeaf = await pki.intermediate.issueLeaf({ keyAlgorithm: 'ECDSA' });
  azure = await startFakeAzure({
    tenantId: TENANT,
    clientId: CLIENT,
    clientSecret: SECRET,
    subject: SUBJECT,
  });
  azure.addCertificate(CERTIFICATE, vaultLeaf.certificate, {
    privateKey: vaultKey.privateKeyObject,
  });
  azure.addCertificate('ec-signing', ecLeaf.certificate, {
    kty: 'EC-HSM',
    privateKey: ecLeaf.keyPair.privateKeyObject,
  });
  azure.addCertificate('key-deleted', vaultLeaf.certificate, {});
  azure.addCertificate('no-kid', vaultLeaf.certificate, { hasKid: false });
  azure.addCertificate('verify-only', vaultLeaf.certificate, {
    privateKey: vaultKey.privateKeyObject,
    keyOps: ['verify'],
  });
  tsa = await startTsaServer(
    createTimestampAuthority({
      certificate: pki.tsa.certificate,
      privateKey: pki.tsa.keyObject,
      chain: [pki.tsaRoot.certificate],
      clock: () => new Date(),
    }),
  );
  files = {
    chain: temp.write('issuers.pem', pki.intermediate.pem),
    roots: temp.write('roots.pem', `${pki.root.pem}\n${pki.tsaRoot.pem}\n`),
  };
  if (haveDotnet) shadowDotnet = createShadowSdk(temp.path('sdk'), pki.root.pem, pki.tsaRoot.pem);
}, 240_000);

afterAll(async () => {
  await azure?.close();
  await tsa?.close();
});

beforeEach(() => {
  azure.throttleNext = 0;
  azure.issuedSubject = SUBJECT;
});

function newPackage(name: string): string {
  const dir = temp.path(`work-${++counter}`);
  mkdirSync(dir);
  const path = join(dir, `${name}.1.0.0.nupkg`);
  writeFileSync(path, buildZip({ entries: [nuspecEntry(name, '1.0.0')] }));
  return path;
}

function collector(): CommandOutput & { text: () => string } {
  let text = '';
  return {
    stdout: (chunk) => (text += chunk),
    stderr: (chunk) => (text += chunk),
    text: () => text,
  };
}

async function verifiedByUs(path: string): Promise<boolean> {
  const out = collector();
  const code = await runVerify(['--json', '--trusted-roots', files.roots, path], out, new Date());
  const document = JSON.parse(out.text()) as { results: { valid: boolean }[] };
  return code === 0 && document.results.length === 1 && document.results[0]?.valid === true;
}

/** Asynchronous: the loopback TSA in this process is not asked, but stays responsive. */
async function expectDotnetAccepts(path: string, name: string): Promise<void> {
  if (!shadowDotnet) return;
  const output = await runDotnetAsync(['nuget', 'verify', '--all', '-v', 'n', path], shadowDotnet);
  expect(output).toContain(`Successfully verified package '${name}.1.0.0'.`);
  expect(output).toContain(vaultLeaf.fingerprintSha256);
  expect(output).not.toMatch(/NU3\d{3}/);
}

function keyVault(credential: AzureCredential, certificateName = CERTIFICATE): KeyInputs {
  return {
    azureKeyVault: { vaultUrl: azure.url, certificateName, credential },
    certificateChainPem: pki.intermediate.pem,
    source: 'test',
  };
}

/** The CLI options naming the vault certificate and the application. */
function vaultArguments(): string[] {
  return [
    '--azure-key-vault',
    azure.url,
    '--azure-key-vault-certificate',
    CERTIFICATE,
    '--azure-tenant-id',
    TENANT,
    '--azure-client-id',
    CLIENT,
  ];
}

function clientSecret(secret = SECRET): AzureCredential {
  return {
    kind: 'client-secret',
    tenantId: TENANT,
    clientId: CLIENT,
    clientSecret: secret,
    authorityHost: azure.url,
  };
}

function signOptions(
  key: KeyInputs,
  packages: string[],
  extra: Partial<SignRunOptions> = {},
): SignRunOptions {
  return {
    packages,
    key,
    hashAlgorithm: 'sha256',
    timestampUrls: [tsa.url],
    timestampHashAlgorithm: 'sha256',
    overwrite: false,
    trustedRoots: [files.roots],
    allowUntrustedRoot: false,
    now: () => new Date(),
    ...extra,
  };
}

describe('signing with a key in Azure Key Vault', () => {
  it("the CLI exchanges GitHub's OIDC token at Entra ID and signs; we and dotnet nuget verify --all accept the package", async () => {
    const path = newPackage('Vault.Oidc');
    const out = collector();
    azure.requests.length = 0;
    const code = await runSign(
      [
        ...vaultArguments(),
        '--azure-authority',
        azure.url,
        '--certificate-chain',
        files.chain,
        '--timestamper',
        tsa.url,
        '--trusted-roots',
        files.roots,
        '--json',
        path,
      ],
      out,
      new Date(),
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: azure.oidcRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: azure.oidcRequestToken,
      },
    );
    expect({ code, output: out.text() }).toEqual({ code: 0, output: expect.any(String) as string });
    const outcome = (JSON.parse(out.text()) as { results: Record<string, unknown>[] }).results[0];
    expect(outcome).toMatchObject({
      signed: true,
      certificateFingerprint: vaultLeaf.fingerprintSha256,
    });
    expect(outcome?.timestampTime).toEqual(expect.any(String));
    // The documented handshake, in order, then one sign operation for the one package.
    expect(azure.requests).toEqual([
      'GET /github/idtoken',
      `POST /${TENANT}/oauth2/v2.0/token`,
      `GET /certificates/${CERTIFICATE}`,
      expect.stringMatching(new RegExp(`^GET /keys/${CERTIFICATE}/[0-9a-f]{32}$`)) as string,
      expect.stringMatching(new RegExp(`^POST /keys/${CERTIFICATE}/[0-9a-f]{32}/sign$`)) as string,
    ]);
    expect(out.text()).not.toContain(azure.oidcRequestToken);
    expect(await verifiedByUs(path)).toBe(true);
    await expectDotnetAccepts(path, 'Vault.Oidc');
  }, 120_000);

  it.each(['sha384', 'sha512'] as const)(
    'a service principal with a client secret signs with %s (RS384/RS512), accepted by us and dotnet',
    async (hashAlgorithm) => {
      const name = `Vault.Secret.${hashAlgorithm}`;
      const path = newPackage(name);
      const { outcomes } = await runSigning(
        signOptions(keyVault(clientSecret()), [path], { hashAlgorithm }),
      );
      expect(outcomes).toEqual([expect.objectContaining({ signed: true })]);
      expect(JSON.stringify(outcomes)).not.toContain(SECRET);
      expect(await verifiedByUs(path)).toBe(true);
      await expectDotnetAccepts(path, name);
    },
    120_000,
  );

  it('three packages take one token, one certificate and key read, and one sign operation each', async () => {
    const paths = ['Vault.Many.A', 'Vault.Many.B', 'Vault.Many.C'].map(newPackage);
    azure.requests.length = 0;
    const { outcomes } = await runSigning(signOptions(keyVault(clientSecret()), paths));
    expect(outcomes.map((o) => o.signed)).toEqual([true, true, true]);
    const count = (pattern: RegExp) => azure.requests.filter((r) => pattern.test(r)).length;
    expect(count(/oauth2\/v2\.0\/token$/)).toBe(1);
    expect(count(/^GET \/certificates\//)).toBe(1);
    expect(count(/^GET \/keys\//)).toBe(1);
    expect(count(/\/sign$/)).toBe(3);
    for (const path of paths) expect(await verifiedByUs(path)).toBe(true);
  }, 120_000);

  it('a chain file that starts with the signing certificate (as remote signing wants) embeds it once', async () => {
    const path = newPackage('Vault.LeafFirst');
    const key = {
      ...keyVault(clientSecret()),
      certificateChainPem: `${vaultLeaf.pem}\n${pki.intermediate.pem}`,
    };
    expect((await createSigner(key)).chain).toEqual([pki.intermediate.certificate]);
    const { outcomes } = await runSigning(signOptions(key, [path]));
    expect(outcomes).toEqual([expect.objectContaining({ signed: true })]);
    expect(await verifiedByUs(path)).toBe(true);
  }, 60_000);

  it('the action reads the azure inputs, masks the access token, and signs and verifies', async () => {
    const workspace = temp.path(`action-${++counter}`);
    const runnerTemp = temp.path(`runner-${counter}`);
    mkdirSync(join(workspace, 'out'), { recursive: true });
    mkdirSync(runnerTemp);
    writeFileSync(
      join(workspace, 'out', 'Vault.Action.1.0.0.nupkg'),
      buildZip({ entries: [nuspecEntry('Vault.Action', '1.0.0')] }),
    );
    const accessToken = azure.issueAccessToken();
    const given: Record<string, string> = {
      mode: 'sign-and-verify',
      packages: 'out/*.nupkg',
      'azure-key-vault-url': azure.url,
      'azure-key-vault-certificate': CERTIFICATE,
      'azure-access-token': accessToken,
      'certificate-chain': files.chain,
      'timestamp-urls': tsa.url,
      'trusted-roots': files.roots,
      summary: 'false',
    };
    const variables: Record<string, string> = {
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: runnerTemp,
      GITHUB_ACTION: 'azure',
      ...Object.fromEntries(Object.entries(given).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    };
    const { inputs, printed } = readActionInputsInProcess(variables, workspace);
    // Masked before anything else runs.
    expect(printed).toContain(`::add-mask::${accessToken}\n`);
    const stdout = await runActionInProcess(inputs, () => new Date(), variables);
    expect(stdout).not.toContain(accessToken);
    expect(stdout).not.toMatch(/^::error/m);
    const results = JSON.parse(
      readFileSync(join(runnerTemp, 'nupkg-signing-results-azure.json'), 'utf8'),
    ) as { results: { valid: boolean }[] };
    expect(results.results.map((r) => r.valid)).toEqual([true]);
    expect(JSON.stringify(results)).not.toContain(accessToken);
    await expectDotnetAccepts(join(workspace, 'out', 'Vault.Action.1.0.0.nupkg'), 'Vault.Action');
  }, 120_000);

  it('throttling (429 with Retry-After) is waited out and the package signed', async () => {
    const path = newPackage('Vault.Throttled');
    azure.requests.length = 0;
    azure.throttleNext = 2;
    const { outcomes } = await runSigning(signOptions(keyVault(clientSecret()), [path]));
    expect(outcomes).toEqual([expect.objectContaining({ signed: true })]);
    expect(azure.requests.filter((r) => r === `GET /certificates/${CERTIFICATE}`)).toHaveLength(3);
  }, 60_000);

  it('throttling that does not end: NUPKG006 after 4 attempts, nothing signed', async () => {
    azure.throttleNext = 100;
    await expect(
      runSigning(signOptions(keyVault(clientSecret()), [newPackage('Vault.Busy')])),
    ).rejects.toMatchObject({
      code: 'NUPKG006',
      message: expect.stringMatching(
        /^Azure Key Vault http:\/\/127\.0\.0\.1:\d+\/certificates\/release-signing\?… answered HTTP 429 .*\(gave up after 4 attempts\)/,
      ) as string,
    });
  }, 60_000);

  it('an expired token is renewed once at Entra ID and signing goes on', async () => {
    const signer = await createSigner(keyVault(clientSecret()));
    azure.requests.length = 0;
    azure.expireTokens();
    const signature = await signer.sign(new Uint8Array([1, 2, 3]), 'sha256');
    expect(signature).toHaveLength(256);
    expect(azure.requests).toEqual([
      expect.stringMatching(/\/sign$/) as string,
      `POST /${TENANT}/oauth2/v2.0/token`,
      expect.stringMatching(/\/sign$/) as string,
    ]);
  });

  it('an expired access token given by the workflow: NU3001 saying to get it right before signing', async () => {
    const token = azure.issueAccessToken();
    azure.expireTokens();
    const failure = runSigning(
      signOptions(keyVault({ kind: 'access-token', accessToken: token }), [
        newPackage('Vault.Expired'),
      ]),
    );
    await expect(failure).rejects.toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining(
        "refused the given access token (HTTP 401) for the certificate 'release-signing': the token has expired or is not for Key Vault.",
      ) as string,
    });
    await expect(failure).rejects.not.toMatchObject({
      message: expect.stringContaining(token) as string,
    });
  });

  it.each([
    [
      'an EC key',
      'ec-signing',
      'NU3014',
      'is an EC-HSM key; NuGet accepts only RSA signatures (2048 bits or more): create the certificate with key type RSA-HSM (or RSA) in its policy.',
    ],
    [
      'a certificate that is not in the vault',
      'no-such-certificate',
      'NU3001',
      "has no certificate 'no-such-certificate' (HTTP 404): check the name and version",
    ],
    [
      'a certificate whose key is gone',
      'key-deleted',
      'NU3001',
      "(HTTP 404): the certificate's private key was deleted or purged; sign with a certificate whose key is in the vault.",
    ],
    [
      'a key that may not sign',
      'verify-only',
      'NU3001',
      "does not permit the sign operation (its key_ops: verify): allow 'sign'",
    ],
  ])(
    '%s (certificate %s): %s before any package is signed',
    async (_situation, name, code, message) => {
      const path = newPackage('Vault.Mistake');
      await expect(
        runSigning(signOptions(keyVault(clientSecret(), name), [path])),
      ).rejects.toMatchObject({
        code,
        message: expect.stringContaining(message) as string,
      });
      expect(readFileSync(path)).toEqual(
        buildZip({ entries: [nuspecEntry('Vault.Mistake', '1.0.0')] }),
      );
    },
  );

  it("a certificate without a private key (no kid in the vault's answer): NU3001 saying so", async () => {
    await expect(
      runSigning(signOptions(keyVault(clientSecret(), 'no-kid'), [newPackage('Vault.NoKid')])),
    ).rejects.toMatchObject({
      code: 'NU3001',
      message: expect.stringMatching(/has no private key \(no 'kid' in its answer\)/) as string,
    });
  });

  it('a wrong client secret: NU3001 from Entra ID, the secret in no message', async () => {
    const wrong = 'wrong-secret-5d1e-never-printed';
    const failure = runSigning(
      signOptions(keyVault(clientSecret(wrong)), [newPackage('Vault.Wrong')]),
    );
    await expect(failure).rejects.toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining(
        `Entra ID refused the token request for client ${CLIENT} in tenant ${TENANT} (a client secret) (HTTP 401): check the tenant and client ids and the client secret`,
      ) as string,
    });
    await expect(failure).rejects.not.toMatchObject({
      message: expect.stringContaining(wrong) as string,
    });
  });

  it('an OIDC token for a job the federated credential does not name: NU3001 explaining the subject', async () => {
    azure.issuedSubject = 'repo:contoso/widgets:pull_request';
    const credential: AzureCredential = {
      kind: 'github-oidc',
      tenantId: TENANT,
      clientId: CLIENT,
      authorityHost: azure.url,
      oidc: { requestUrl: azure.oidcRequestUrl, requestToken: azure.oidcRequestToken },
    };
    await expect(
      runSigning(signOptions(keyVault(credential), [newPackage('Vault.Subject')])),
    ).rejects.toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining(
        '(HTTP 400): check the tenant and client ids, and that the app registration (or managed identity) has a federated credential for this repository whose subject matches the job',
      ) as string,
    });
  });

  it("a refused OIDC token request: NU3001 naming 'id-token: write'", async () => {
    const credential: AzureCredential = {
      kind: 'github-oidc',
      tenantId: TENANT,
      clientId: CLIENT,
      authorityHost: azure.url,
      oidc: { requestUrl: azure.oidcRequestUrl, requestToken: 'not-the-request-token' },
    };
    await expect(
      runSigning(signOptions(keyVault(credential), [newPackage('Vault.NoIdToken')])),
    ).rejects.toMatchObject({
      code: 'NU3001',
      message:
        "GitHub refused the job's OIDC token request (HTTP 401): the job needs 'permissions: id-token: write' (workflows from forks never get it).",
    });
  });

  it('the CLI without any Azure credential: exit 2 and a usage error naming id-token: write', async () => {
    const out = collector();
    const failure = runSign(
      [...vaultArguments(), newPackage('Vault.NoCredential')],
      out,
      new Date(),
      {},
    );
    await expect(failure).rejects.toMatchObject({
      code: 'NUPKG003',
      message: expect.stringContaining("grant the job 'permissions: id-token: write'") as string,
    });
  });
});
