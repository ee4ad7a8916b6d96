/**
 * Signing with an RSA key version held by a fake Google Cloud KMS on loopback (REST, CRC32C
 * integrity fields), authenticated by workload identity federation (fake STS token exchange with
 * GitHub's OIDC token, then service account impersonation), by an access token the workflow
 * has, or by a credentials file: from the CLI bundle and the action bundle, verified by us and
 * by `dotnet nuget verify --all`, with no token in any output; and the service's refusals.
 */
import type { GoogleKmsTarget } from '../../src/sign/google-kms/google-kms-signer.js';
import { commandLines, runAction } from '../helpers/action-bundle.js';
import {
  createCloudSigningFixture,
  expectDotnetAccepts,
  type CloudSigningFixture,
} from '../helpers/cloud-signing.js';
import { githubOidcEnvironment, OIDC_REQUEST_TOKEN, oidcTokenFor } from '../helpers/fake-cloud.js';
import {
  addKeyVersion,
  EXPIRED_TOKEN,
  FEDERATED_TOKEN,
  GIVEN_TOKEN,
  keyVersionName,
  PROVIDER,
  SERVICE_ACCOUNT,
  SERVICE_ACCOUNT_TOKEN,
  startFakeGoogle,
  type FakeGoogle,
} from '../helpers/fake-google-kms.js';
import type { TestCertificate } from '../helpers/pki.js';
import { useTempDir } from '../helpers/temp-files.js';

const temp = useTempDir();
let fixture: CloudSigningFixture;
let google: FakeGoogle;
let leaf: TestCertificate;
let chain: string;
let chainFile: string;
const KEY = keyVersionName('signing');

const SECRETS = [
  FEDERATED_TOKEN,
  SERVICE_ACCOUNT_TOKEN,
  GIVEN_TOKEN,
  OIDC_REQUEST_TOKEN,
  oidcTokenFor(`https://iam.googleapis.com/${PROVIDER}`),
];

beforeAll(async () => {
  fixture = await createCloudSigningFixture(temp.path(''));
  google = await startFakeGoogle();
  leaf = await fixture.certify(addKeyVersion(google, KEY), 'CN=Cloud KMS Code Signing, O=tests');
  chain = fixture.chainPem(leaf);
  chainFile = temp.write('chain.pem', chain);
}, 240_000);

afterAll(async () => {
  await google?.close();
  await fixture?.dispose();
});

function target(
  extra: Partial<GoogleKmsTarget> & { env?: NodeJS.ProcessEnv } = {},
): GoogleKmsTarget & {
  env: NodeJS.ProcessEnv;
} {
  return { keyVersion: KEY, accessToken: GIVEN_TOKEN, endpoint: google.url, env: {}, ...extra };
}

function federation(): Partial<GoogleKmsTarget> & { env: NodeJS.ProcessEnv } {
  return {
    accessToken: undefined,
    workloadIdentityProvider: PROVIDER,
    serviceAccount: SERVICE_ACCOUNT,
    stsEndpoint: google.url,
    iamCredentialsEndpoint: google.url,
    env: githubOidcEnvironment(google),
  } as Partial<GoogleKmsTarget> & { env: NodeJS.ProcessEnv };
}

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('signing with a Google Cloud KMS key version', () => {
  it('the CLI federates GitHub’s OIDC token, impersonates the service account, signs; we and dotnet nuget verify --all accept the package', async () => {
    const path = fixture.newPackage('Gcp.Cli');
    const run = await fixture.node(
      [
        'sign',
        '--gcp-kms-key-version',
        KEY,
        '--gcp-workload-identity-provider',
        PROVIDER,
        '--gcp-service-account',
        SERVICE_ACCOUNT,
        '--gcp-kms-endpoint',
        google.url,
        '--gcp-sts-endpoint',
        google.url,
        '--gcp-iam-credentials-endpoint',
        google.url,
        '--certificate-chain',
        chainFile,
        '--timestamper',
        fixture.tsa.url,
        '--trusted-roots',
        fixture.roots,
        '--json',
        path,
      ],
      githubOidcEnvironment(google),
    );
    expect(run.stderr).toBe('');
    expect({ status: run.status, stdout: run.stdout }).toEqual({
      status: 0,
      stdout: expect.any(String) as string,
    });
    expect((JSON.parse(run.stdout) as { results: unknown[] }).results[0]).toMatchObject({
      signed: true,
      certificateFingerprint: leaf.fingerprintSha256,
    });
    // The service account's token signed, after the exchange and the impersonation.
    expect(google.signed.at(-1)).toEqual({
      name: KEY,
      token: SERVICE_ACCOUNT_TOKEN,
      digestField: 'sha256',
    });
    expectNoSecrets(run.stdout + run.stderr);
    expect(await fixture.verifiedByUs(path)).toMatchObject({ valid: true });
    expectDotnetAccepts(fixture.verifiedByDotnet(path), 'Gcp.Cli.1.0.0');
  }, 120_000);

  it('the action signs with the access token the workflow has, masks it and prints it nowhere else', async () => {
    const workspace = fixture.newWorkspace('Gcp.Action');
    const result = await runAction(fixture.actionBundle, {
      cwd: workspace,
      inputs: {
        mode: 'sign-and-verify',
        packages: 'out/*.nupkg',
        'gcp-kms-key-version': KEY,
        'gcp-access-token': GIVEN_TOKEN,
        'gcp-kms-endpoint': google.url,
        'certificate-chain': chainFile,
        'timestamp-urls': fixture.tsa.url,
        'trusted-roots': fixture.roots,
      },
    });
    expect(result.stderr).toBe('');
    expect({ code: result.code, errors: commandLines(result.stdout, 'error') }).toEqual({
      code: 0,
      errors: [],
    });
    expect(result.outputs.valid).toBe('true');
    expect(result.outputs.fingerprints).toBe(leaf.fingerprintSha256);
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`::add-mask::${GIVEN_TOKEN}`);
    const rest = lines.filter((line) => !line.startsWith('::add-mask::')).join('\n');
    expectNoSecrets(rest + result.summary + JSON.stringify(result.outputs));
    const signed = `${workspace}/out/Gcp.Action.1.0.0.nupkg`;
    expect(await fixture.verifiedByUs(signed)).toMatchObject({ valid: true });
    expectDotnetAccepts(fixture.verifiedByDotnet(signed), 'Gcp.Action.1.0.0');
  }, 180_000);

  it('an external_account credentials file (GOOGLE_APPLICATION_CREDENTIALS, as google-github-actions/auth writes it) signs through STS and impersonation', async () => {
    const tokenFile = temp.write(
      'oidc-token.txt',
      oidcTokenFor(`https://iam.googleapis.com/${PROVIDER}`),
    );
    const credentials = temp.write(
      'external-account.json',
      JSON.stringify({
        type: 'external_account',
        audience: `//iam.googleapis.com/${PROVIDER}`,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${google.url}/v1/token`,
        service_account_impersonation_url: `${google.url}/v1/projects/-/serviceAccounts/${SERVICE_ACCOUNT}:generateAccessToken`,
        credential_source: { file: tokenFile, format: { type: 'text' } },
      }),
    );
    await fixture.signAndVerify({
      googleKms: target({
        accessToken: undefined,
        env: { GOOGLE_APPLICATION_CREDENTIALS: credentials },
      }),
      certificateChainPem: chain,
    });
    expect(google.signed.at(-1)?.token).toBe(SERVICE_ACCOUNT_TOKEN);
  }, 60_000);

  it('SHA-512 with an RSA_SIGN_PKCS1_4096_SHA512 key version: the digest goes as digest.sha512; the package verifies', async () => {
    const name = keyVersionName('sha512');
    const other = await fixture.certify(
      addKeyVersion(google, name, { algorithm: 'RSA_SIGN_PKCS1_4096_SHA512' }),
      'CN=Cloud KMS SHA512',
    );
    await fixture.signAndVerify(
      { googleKms: target({ keyVersion: name }), certificateChainPem: fixture.chainPem(other) },
      'sha512',
    );
    expect(google.signed.at(-1)).toMatchObject({ name, digestField: 'sha512' });
  }, 60_000);

  it('429 RESOURCE_EXHAUSTED once is retried and the package is signed', async () => {
    google.throttle(1);
    await fixture.signAndVerify({ googleKms: target(), certificateChainPem: chain });
  }, 60_000);
});

describe('Google Cloud KMS refusals fail with a coded message that says what to fix', () => {
  async function failure(
    key: Partial<GoogleKmsTarget> & { env?: NodeJS.ProcessEnv },
    pem = chain,
    hash: 'sha256' | 'sha384' = 'sha256',
  ) {
    const outcome = await fixture.failure(
      { googleKms: { ...target(), ...key }, certificateChainPem: pem },
      hash,
    );
    expectNoSecrets(outcome.message);
    return outcome;
  }

  it('429 RESOURCE_EXHAUSTED on every attempt: NUPKG006 naming the quota', async () => {
    google.throttle(100);
    try {
      expect(await failure({})).toMatchObject({
        code: 'NUPKG006',
        message: expect.stringMatching(
          /^Cloud KMS answered HTTP 429 RESOURCE_EXHAUSTED \(Quota exceeded .*\) while reading the public key of key version .*: the request quota was exceeded \(4 attempts made\)/,
        ) as string,
      });
    } finally {
      google.throttle(0);
    }
  }, 60_000);

  it('an expired access token: NU3001 UNAUTHENTICATED, get a fresh one', async () => {
    expect(await failure({ accessToken: EXPIRED_TOKEN })).toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining(
        'Cloud KMS answered HTTP 401 UNAUTHENTICATED (Request had invalid authentication credentials.',
      ) as string,
    });
  });

  it('a stale GitHub OIDC token: NU3001, STS refused it (invalid_grant)', async () => {
    google.staleSubjectToken(true);
    try {
      expect(await failure(federation())).toMatchObject({
        code: 'NU3001',
        message: expect.stringMatching(
          /^Google STS refused GitHub's OIDC token \(.*invalid_grant/,
        ) as string,
      });
    } finally {
      google.staleSubjectToken(false);
    }
  });

  it('a service account the pool may not impersonate: NU3001 naming roles/iam.workloadIdentityUser', async () => {
    expect(
      await failure({
        ...federation(),
        serviceAccount: 'other-account@octo-project.iam.gserviceaccount.com',
      }),
    ).toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining('roles/iam.workloadIdentityUser') as string,
    });
  });

  it('an EC key version: NU3014, NuGet accepts only RSA PKCS#1', async () => {
    const name = keyVersionName('ecc');
    addKeyVersion(google, name, { algorithm: 'EC_SIGN_P256_SHA256' });
    expect(await failure({ keyVersion: name })).toMatchObject({
      code: 'NU3014',
      message: `Cloud KMS key version ${name} has algorithm EC_SIGN_P256_SHA256: NuGet accepts only RSA PKCS#1 v1.5 signatures, so create an ASYMMETRIC_SIGN key with algorithm RSA_SIGN_PKCS1_3072_SHA256 (or another RSA_SIGN_PKCS1_*).`,
    });
  });

  it('an RSA-PSS key version: NU3014 too', async () => {
    const name = keyVersionName('pss');
    addKeyVersion(google, name, { algorithm: 'RSA_SIGN_PSS_2048_SHA256' });
    expect(await failure({ keyVersion: name })).toMatchObject({ code: 'NU3014' });
  });

  it('a disabled key version: NU3001 FAILED_PRECONDITION, enable it', async () => {
    const name = keyVersionName('disabled');
    addKeyVersion(google, name, { state: 'DISABLED' });
    expect(await failure({ keyVersion: name })).toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining(
        `Cloud KMS answered HTTP 400 FAILED_PRECONDITION (${name} is not enabled, current state is: DISABLED.)`,
      ) as string,
    });
  });

  it('a hash the key version does not use: NUPKG003 naming the right --hash-algorithm', async () => {
    expect(await failure({}, chain, 'sha384')).toMatchObject({
      code: 'NUPKG003',
      message: expect.stringContaining('signs SHA256 digests only') as string,
    });
  });

  it('a signature whose signatureCrc32c does not match: NU3001, changed in transit', async () => {
    google.corruptSignatures(true);
    try {
      expect(await failure({})).toMatchObject({
        code: 'NU3001',
        message: expect.stringContaining(
          'the signature does not match its signatureCrc32c',
        ) as string,
      });
    } finally {
      google.corruptSignatures(false);
    }
  });

  it('a certificate for another key: NUPKG003 before any asymmetricSign', async () => {
    const other = await fixture.certify(addKeyVersion(google, keyVersionName('other')), 'CN=Other');
    const before = google.signed.length;
    expect(await failure({}, fixture.chainPem(other))).toMatchObject({
      code: 'NUPKG003',
      message: expect.stringContaining(
        `The public key of Google Cloud KMS key ${KEY} does not match`,
      ) as string,
    });
    expect(google.signed.length).toBe(before);
  });

  it('no credentials: NUPKG003 naming the three ways', async () => {
    expect(await failure({ accessToken: undefined, env: {} })).toMatchObject({
      code: 'NUPKG003',
      message: expect.stringMatching(/^Google Cloud KMS needs credentials/) as string,
    });
  });

  it('a malformed key version name: NUPKG003 showing the expected form', async () => {
    expect(await failure({ keyVersion: 'projects/p/cryptoKeys/k' })).toMatchObject({
      code: 'NUPKG003',
      message: expect.stringContaining('is not a Cloud KMS key version name') as string,
    });
  });
});
