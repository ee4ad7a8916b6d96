/**
 * Signing with an RSA key held by a fake AWS KMS on loopback (JSON 1.1 API, SigV4), reached with
 * environment credentials or a role assumed through a fake STS with GitHub's OIDC token: from the
 * CLI bundle and the action bundle, verified by us and by `dotnet nuget verify --all`, with no
 * secret in any output; and the service's refusals as coded errors.
 */
import { LIMITS } from '../../src/limits.js';
import type { AwsKmsTarget } from '../../src/sign/aws-kms/aws-kms-signer.js';
import { commandLines, runAction } from '../helpers/action-bundle.js';
import {
  createCloudSigningFixture,
  expectDotnetAccepts,
  type CloudSigningFixture,
} from '../helpers/cloud-signing.js';
import {
  addKmsKey,
  AWS_REGION,
  EXPIRED_SESSION_TOKEN,
  ROLE_ARN,
  ROLE_CREDENTIALS,
  startFakeAws,
  STATIC_CREDENTIALS,
  type FakeAws,
} from '../helpers/fake-aws-kms.js';
import { githubOidcEnvironment, OIDC_REQUEST_TOKEN, oidcTokenFor } from '../helpers/fake-cloud.js';
import {
  bytesSentWhenStopped,
  hangAfterHeaders,
  redirectTo,
  serversClosedAfterEach,
  streamBody,
} from '../helpers/hostile-http-server.js';
import { peakRssGrowth } from '../helpers/memory.js';
import type { TestCertificate } from '../helpers/pki.js';
import { useTempDir } from '../helpers/temp-files.js';

const temp = useTempDir();
let fixture: CloudSigningFixture;
let aws: FakeAws;
let leaf: TestCertificate;
let chain: string;
let chainFile: string;

const STATIC_ENV = {
  AWS_ACCESS_KEY_ID: STATIC_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: STATIC_CREDENTIALS.secretAccessKey,
};
const SECRETS = [
  STATIC_CREDENTIALS.secretAccessKey,
  ROLE_CREDENTIALS.secretAccessKey,
  ROLE_CREDENTIALS.sessionToken,
  OIDC_REQUEST_TOKEN,
  oidcTokenFor('sts.amazonaws.com'),
];

beforeAll(async () => {
  fixture = await createCloudSigningFixture(temp.path(''));
  aws = await startFakeAws();
  leaf = await fixture.certify(addKmsKey(aws, 'k-signing'), 'CN=KMS Code Signing, O=tests');
  chain = fixture.chainPem(leaf);
  chainFile = temp.write('chain.pem', chain);
}, 240_000);

afterAll(async () => {
  await aws?.close();
  await fixture?.dispose();
});

function target(extra: Partial<AwsKmsTarget> = {}): AwsKmsTarget & { env: NodeJS.ProcessEnv } {
  return {
    keyId: 'k-signing',
    region: AWS_REGION,
    endpoint: aws.url,
    env: STATIC_ENV,
    ...extra,
  };
}

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('signing with an AWS KMS key', () => {
  it('the CLI signs with environment credentials (SigV4 with the access key); we and dotnet nuget verify --all accept the package', async () => {
    const path = fixture.newPackage('Kms.Cli');
    const run = await fixture.node(
      [
        'sign',
        '--aws-kms-key',
        'k-signing',
        '--aws-region',
        AWS_REGION,
        '--aws-kms-endpoint',
        aws.url,
        '--certificate-chain',
        chainFile,
        '--timestamper',
        fixture.tsa.url,
        '--trusted-roots',
        fixture.roots,
        '--json',
        path,
      ],
      STATIC_ENV,
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
    expect(aws.signed.at(-1)).toMatchObject({
      keyId: 'k-signing',
      algorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
      credential: expect.stringContaining(
        `Credential=${STATIC_CREDENTIALS.accessKeyId}/`,
      ) as string,
    });
    expectNoSecrets(run.stdout + run.stderr);
    expect(await fixture.verifiedByUs(path)).toMatchObject({ valid: true });
    expectDotnetAccepts(fixture.verifiedByDotnet(path), 'Kms.Cli.1.0.0');
  }, 120_000);

  it('the action assumes a role with GitHub’s OIDC token (audience sts.amazonaws.com), signs and verifies, and prints no token or key', async () => {
    const workspace = fixture.newWorkspace('Kms.Action');
    const stsCalls = aws.log.filter((r) => r.body.includes('AssumeRoleWithWebIdentity')).length;
    const result = await runAction(fixture.actionBundle, {
      cwd: workspace,
      env: githubOidcEnvironment(aws),
      inputs: {
        mode: 'sign-and-verify',
        packages: 'out/*.nupkg',
        'aws-kms-key-id': aws.keyArn('k-signing'),
        'aws-role-arn': ROLE_ARN,
        'aws-kms-endpoint': aws.url,
        'aws-sts-endpoint': aws.url,
        'certificate-chain': chain,
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
    // One role assumption, then KMS calls signed with the role's session credentials.
    expect(aws.log.filter((r) => r.body.includes('AssumeRoleWithWebIdentity'))).toHaveLength(
      stsCalls + 1,
    );
    expect(aws.signed.at(-1)?.credential).toContain(`Credential=${ROLE_CREDENTIALS.accessKeyId}/`);
    // Masks are registered first (the OIDC request token among them); nothing else carries a secret.
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`::add-mask::${OIDC_REQUEST_TOKEN}`);
    const rest = lines.filter((line) => !line.startsWith('::add-mask::')).join('\n');
    expectNoSecrets(rest + result.stderr + result.summary + JSON.stringify(result.outputs));
    const signed = `${workspace}/out/Kms.Action.1.0.0.nupkg`;
    expect(await fixture.verifiedByUs(signed)).toMatchObject({ valid: true });
    expectDotnetAccepts(fixture.verifiedByDotnet(signed), 'Kms.Action.1.0.0');
  }, 180_000);

  it('SHA-512 signs with RSASSA_PKCS1_V1_5_SHA_512; the package verifies', async () => {
    await fixture.signAndVerify({ awsKms: target(), certificateChainPem: chain }, 'sha512');
    expect(aws.signed.at(-1)?.algorithm).toBe('RSASSA_PKCS1_V1_5_SHA_512');
  }, 60_000);

  it('a throttled Sign (ThrottlingException) is retried and the package is signed', async () => {
    aws.throttleSigns(1);
    await fixture.signAndVerify({ awsKms: target(), certificateChainPem: chain });
  }, 60_000);
});

describe('AWS KMS refusals fail with a coded message that says what to fix', () => {
  function failure(key: Partial<AwsKmsTarget> & { env?: NodeJS.ProcessEnv }, pem = chain) {
    return fixture.failure({ awsKms: { ...target(), ...key }, certificateChainPem: pem });
  }

  it('throttled on every attempt: NUPKG006 naming ThrottlingException and the attempts', async () => {
    aws.throttleSigns(100);
    try {
      expect(await failure({})).toMatchObject({
        code: 'NUPKG006',
        message: expect.stringMatching(
          /^AWS answered ThrottlingException \(Rate exceeded\) while signing with KMS key arn:aws:kms:eu-west-1:123456789012:key\/k-signing: the request rate quota was exceeded \(4 attempts made\)/,
        ) as string,
      });
    } finally {
      aws.throttleSigns(0);
    }
  }, 60_000);

  it('a certificate for another key: NUPKG003 before any Sign call', async () => {
    const other = await fixture.certify(addKmsKey(aws, 'k-other'), 'CN=Other Key');
    const before = aws.signed.length;
    expect(await failure({}, fixture.chainPem(other))).toMatchObject({
      code: 'NUPKG003',
      message: expect.stringContaining(
        'The public key of AWS KMS key arn:aws:kms:eu-west-1:123456789012:key/k-signing does not match the signing certificate',
      ) as string,
    });
    expect(aws.signed.length).toBe(before);
  });

  it('an ECC key: NU3014, NuGet accepts only RSA', async () => {
    addKmsKey(aws, 'k-ecc', { keySpec: 'ECC_NIST_P256' });
    expect(await failure({ keyId: 'k-ecc' })).toMatchObject({
      code: 'NU3014',
      message: expect.stringContaining(
        'is a ECC_NIST_P256 key: NuGet accepts only RSA signatures',
      ) as string,
    });
  });

  it('an ENCRYPT_DECRYPT key: NU3014 naming the key usage', async () => {
    addKmsKey(aws, 'k-encrypt', { keyUsage: 'ENCRYPT_DECRYPT' });
    expect(await failure({ keyId: 'k-encrypt' })).toMatchObject({
      code: 'NU3014',
      message: expect.stringContaining(
        'has key usage ENCRYPT_DECRYPT, so it cannot sign: create an RSA key with key usage SIGN_VERIFY',
      ) as string,
    });
  });

  it('a disabled key: NU3001 DisabledException, enable it', async () => {
    addKmsKey(aws, 'k-disabled', { enabled: false });
    expect(await failure({ keyId: 'k-disabled' })).toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining(
        'AWS answered DisabledException (arn:aws:kms:eu-west-1:123456789012:key/k-disabled is disabled.) while reading the public key of KMS key k-disabled: the key is disabled',
      ) as string,
    });
  });

  it('an unknown key: NU3001 NotFoundException, check the id and region', async () => {
    expect(await failure({ keyId: 'alias/missing' })).toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining('NotFoundException') as string,
    });
  });

  it('an expired session token: NU3001 ExpiredTokenException, get fresh credentials', async () => {
    const outcome = await failure({
      env: { ...STATIC_ENV, AWS_SESSION_TOKEN: EXPIRED_SESSION_TOKEN },
    });
    expect(outcome).toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining(
        'AWS answered ExpiredTokenException (The security token included in the request is expired)',
      ) as string,
    });
    expect(outcome.message).not.toContain(EXPIRED_SESSION_TOKEN);
  });

  it('STS refuses an expired web identity token: NU3001 ExpiredTokenException, without the token', async () => {
    aws.expireWebIdentity(true);
    try {
      const outcome = await failure({
        roleArn: ROLE_ARN,
        stsEndpoint: aws.url,
        env: githubOidcEnvironment(aws),
      });
      expect(outcome).toMatchObject({
        code: 'NU3001',
        message: expect.stringContaining('AWS answered ExpiredTokenException') as string,
      });
      expectNoSecrets(outcome.message);
    } finally {
      aws.expireWebIdentity(false);
    }
  });

  it('a role the token may not assume: NU3001 AccessDenied naming the trust policy', async () => {
    const outcome = await failure({
      roleArn: `arn:aws:iam::123456789012:role/other`,
      stsEndpoint: aws.url,
      env: githubOidcEnvironment(aws),
    });
    expect(outcome).toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining('AWS answered AccessDenied') as string,
    });
  });

  it('a role without the OIDC variables: NUPKG003 asking for id-token: write', async () => {
    expect(await failure({ roleArn: ROLE_ARN, env: {} })).toMatchObject({
      code: 'NUPKG003',
      message: expect.stringContaining("give the job 'permissions: id-token: write'") as string,
    });
  });

  it('no credentials at all: NUPKG003 naming both ways', async () => {
    expect(await failure({ env: {} })).toMatchObject({
      code: 'NUPKG003',
      message: expect.stringMatching(/^AWS KMS needs credentials: give a role to assume/) as string,
    });
  });

  it('a plain http endpoint off loopback: NUPKG003, credentials never go in clear', async () => {
    expect(await failure({ endpoint: 'http://kms.example.com' })).toMatchObject({
      code: 'NUPKG003',
      message: expect.stringContaining('must use https') as string,
    });
  });
});

describe('hostile AWS answers are bounded while they stream (LIMITS.maxAwsAnswerBytes)', () => {
  const MiB = 1024 * 1024;
  const serve = serversClosedAfterEach();

  function failure(key: Partial<AwsKmsTarget> & { env?: NodeJS.ProcessEnv }) {
    return fixture.failure({ awsKms: { ...target(), ...key }, certificateChainPem: chain });
  }

  /** The failure, how long it took and how much the process grew while it ran. */
  async function measured(key: Partial<AwsKmsTarget> & { env?: NodeJS.ProcessEnv }) {
    const started = performance.now();
    const { result, growth } = await peakRssGrowth(() => failure(key));
    return { outcome: result, ms: performance.now() - started, growth };
  }

  it('a KMS that streams an endless body: NUPKG006 naming KMS and the limit, in bounded time and memory', async () => {
    const kms = await serve(streamBody());
    const { outcome, ms, growth } = await measured({ endpoint: kms.origin });
    expect(outcome).toMatchObject({
      code: 'NUPKG006',
      message: expect.stringContaining(
        `AWS KMS sent more than ${LIMITS.maxAwsAnswerBytes} bytes, the limit for an AWS KMS answer; reading stopped there`,
      ) as string,
    });
    expect(ms).toBeLessThan(10_000);
    expect(growth).toBeLessThan(100 * MiB);
    // Not retried (one request), and the connection was closed: the server sends no more.
    expect(kms.requests).toHaveLength(1);
    expect(await bytesSentWhenStopped(kms)).toBeLessThan(LIMITS.maxAwsAnswerBytes + 16 * MiB);
  }, 30_000);

  it('a KMS whose Content-Length is above the limit: NUPKG006 before the body is read', async () => {
    const kms = await serve(streamBody({ headers: { 'Content-Length': String(1024 * MiB) } }));
    const { outcome, ms, growth } = await measured({ endpoint: kms.origin });
    expect(outcome).toMatchObject({
      code: 'NUPKG006',
      message: expect.stringContaining(
        `AWS KMS sent more than ${LIMITS.maxAwsAnswerBytes} bytes, the limit for an AWS KMS answer (its Content-Length says ${1024 * MiB})`,
      ) as string,
    });
    expect(ms).toBeLessThan(10_000);
    expect(growth).toBeLessThan(100 * MiB);
  }, 30_000);

  it('an STS that answers AssumeRoleWithWebIdentity with an endless body: NUPKG006 naming STS, no KMS call, no secret', async () => {
    const sts = await serve(streamBody());
    const kmsCalls = aws.log.length;
    const { outcome, ms, growth } = await measured({
      roleArn: ROLE_ARN,
      stsEndpoint: sts.origin,
      env: githubOidcEnvironment(aws),
    });
    expect(outcome).toMatchObject({
      code: 'NUPKG006',
      message: expect.stringContaining(
        `AWS STS sent more than ${LIMITS.maxAwsAnswerBytes} bytes, the limit for an AWS STS answer; reading stopped there`,
      ) as string,
    });
    expectNoSecrets(outcome.message);
    expect(ms).toBeLessThan(10_000);
    expect(growth).toBeLessThan(100 * MiB);
    expect(sts.requests.length).toBeGreaterThanOrEqual(1);
    // Only GitHub's OIDC token endpoint was asked on the fake; KMS never was.
    expect(aws.log.slice(kmsCalls).every((r) => r.path.startsWith('/_github/'))).toBe(true);
  }, 30_000);

  it('a KMS that sends its headers and then nothing: NUPKG006 after 30 s, asked once', async () => {
    const kms = await serve(hangAfterHeaders({ 'Content-Type': 'application/x-amz-json-1.1' }));
    const { outcome, ms } = await measured({ endpoint: kms.origin });
    expect(outcome).toMatchObject({
      code: 'NUPKG006',
      message: expect.stringContaining(
        'AWS KMS did not finish its answer within 30000 ms after its headers',
      ) as string,
    });
    expect(ms).toBeLessThan(40_000);
    expect(kms.requests).toHaveLength(1);
  }, 60_000);

  it('a KMS endpoint that redirects: the SDK does not follow it (the signed request reaches no other host)', async () => {
    const kmsCalls = aws.log.length;
    const kms = await serve(redirectTo(307, aws.url));
    const outcome = await failure({ endpoint: kms.origin });
    expect(outcome).toMatchObject({
      code: 'NU3001',
      message: expect.stringContaining('HTTP 307') as string,
    });
    expect(aws.log.length).toBe(kmsCalls);
  });
});
