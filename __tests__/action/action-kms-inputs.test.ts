/**
 * The action's cloud KMS inputs, read in process: readActionInputs takes them from INPUT_*
 * variables and masks the Google access token before anything else; resolveInputs turns them
 * into the AWS or Google key source; the mistakes users make fail with one NUPKG003 message.
 */
import { jest } from '@jest/globals';
import { resolveInputs, type ActionInputs } from '../../src/action/inputs.js';
import type { KmsActionInputs } from '../../src/action/kms-inputs.js';
import { readActionInputs } from '../../src/action/read-inputs.js';
import { actionInputs } from '../helpers/action-inputs.js';
import { useTempDir } from '../helpers/temp-files.js';

const temp = useTempDir();
const CHAIN = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const TOKEN = 'ya29.action-input-token-4c1d';

const NO_KMS: KmsActionInputs = {
  awsKmsKeyId: '',
  awsRegion: '',
  awsRoleArn: '',
  awsKmsEndpoint: '',
  awsStsEndpoint: '',
  gcpKmsKeyVersion: '',
  gcpWorkloadIdentityProvider: '',
  gcpServiceAccount: '',
  gcpAccessToken: '',
  gcpCredentialsFile: '',
  gcpKmsEndpoint: '',
  gcpStsEndpoint: '',
  gcpIamCredentialsEndpoint: '',
};

function inputs(kms: Partial<KmsActionInputs>, given: Partial<ActionInputs> = {}): ActionInputs {
  const dir = temp.path('');
  return actionInputs(
    { workspace: dir, cwd: dir },
    { mode: 'sign', certificateChain: CHAIN, kms: { ...NO_KMS, ...kms }, ...given },
  );
}

const context = { mask: () => undefined };

async function signKey(kms: Partial<KmsActionInputs>, given: Partial<ActionInputs> = {}) {
  const plan = await resolveInputs(inputs(kms, given), context);
  if (plan.mode === 'verify') throw new Error('expected a sign plan');
  return plan.sign.key;
}

describe('readActionInputs and the cloud KMS inputs', () => {
  const names = {
    'aws-kms-key-id': 'alias/release',
    'aws-region': 'eu-west-1',
    'aws-role-arn': 'arn:aws:iam::123456789012:role/signer',
    'gcp-kms-key-version':
      'projects/p/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1',
    'gcp-access-token': TOKEN,
  };

  afterEach(() => {
    for (const name of Object.keys(names)) delete process.env[`INPUT_${name.toUpperCase()}`];
  });

  it('reads every cloud input by its action.yml name and masks the Google access token first', () => {
    for (const [name, value] of Object.entries(names)) {
      process.env[`INPUT_${name.toUpperCase()}`] = value;
    }
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    let read: ActionInputs;
    try {
      read = readActionInputs({});
    } finally {
      spy.mockRestore();
    }
    expect(read.kms).toEqual({
      ...NO_KMS,
      awsKmsKeyId: 'alias/release',
      awsRegion: 'eu-west-1',
      awsRoleArn: 'arn:aws:iam::123456789012:role/signer',
      gcpKmsKeyVersion: names['gcp-kms-key-version'],
      gcpAccessToken: TOKEN,
    });
    expect(written.join('')).toContain(`::add-mask::${TOKEN}`);
  });
});

describe('resolveInputs with a cloud KMS key', () => {
  it('aws-kms-key-id with a role: an AWS KMS key source with the chain', async () => {
    expect(
      await signKey({
        awsKmsKeyId: ' alias/release ',
        awsRoleArn: 'arn:aws:iam::123456789012:role/signer',
        awsRegion: 'eu-west-1',
        awsKmsEndpoint: 'https://vpce-1.kms.eu-west-1.vpce.amazonaws.com',
      }),
    ).toEqual({
      awsKms: {
        keyId: 'alias/release',
        roleArn: 'arn:aws:iam::123456789012:role/signer',
        region: 'eu-west-1',
        endpoint: 'https://vpce-1.kms.eu-west-1.vpce.amazonaws.com',
      },
      certificateChainPem: CHAIN,
      source: "the 'aws-kms-key-id' input",
    });
  });

  it('gcp-kms-key-version with federation: a Google KMS key source with the chain', async () => {
    expect(
      await signKey({
        gcpKmsKeyVersion: 'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/2',
        gcpWorkloadIdentityProvider:
          'projects/1/locations/global/workloadIdentityPools/p/providers/g',
        gcpServiceAccount: 'signer@p.iam.gserviceaccount.com',
      }),
    ).toEqual({
      googleKms: {
        keyVersion: 'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/2',
        workloadIdentityProvider: 'projects/1/locations/global/workloadIdentityPools/p/providers/g',
        serviceAccount: 'signer@p.iam.gserviceaccount.com',
      },
      certificateChainPem: CHAIN,
      source: "the 'gcp-kms-key-version' input",
    });
  });

  it('gcp-access-token reaches the key source as given', async () => {
    const key = await signKey({ gcpKmsKeyVersion: 'v', gcpAccessToken: TOKEN });
    expect(key.googleKms?.accessToken).toBe(TOKEN);
  });

  it.each([
    [
      'both clouds',
      { awsKmsKeyId: 'k', gcpKmsKeyVersion: 'v' },
      {},
      "Set either 'aws-kms-key-id' or 'gcp-kms-key-version', not both.",
    ],
    [
      'a KMS key and a PFX',
      { awsKmsKeyId: 'k' },
      { certificate: 'signing.pfx' },
      "Set either 'aws-kms-key-id' or 'certificate', not both.",
    ],
    [
      'a KMS key and a PKCS#11 module',
      { gcpKmsKeyVersion: 'v' },
      {
        pkcs11: {
          module: '/lib/p11.so',
          tokenLabel: '',
          slot: '',
          keyId: '01',
          keyLabel: '',
          pin: '1',
          tool: '',
        },
      },
      "Set either 'gcp-kms-key-version' or 'pkcs11-module', not both.",
    ],
    [
      'a KMS key without the chain',
      { awsKmsKeyId: 'k' },
      { certificateChain: '' },
      "Input 'aws-kms-key-id' needs 'certificate-chain'",
    ],
    [
      'a Google input with the AWS key',
      { awsKmsKeyId: 'k', gcpAccessToken: TOKEN },
      {},
      "'gcp-access-token' does not apply to 'aws-kms-key-id': remove it.",
    ],
    [
      'a cloud input without its key',
      { awsRegion: 'eu-west-1' },
      { certificate: 'signing.pfx' },
      "Input 'aws-region' applies only with 'aws-kms-key-id'; set 'aws-kms-key-id' or remove it.",
    ],
  ])('%s: one NUPKG003 message', async (_, kms, given, message) => {
    const failure = signKey(kms, given);
    await expect(failure).rejects.toMatchObject({
      code: 'NUPKG003',
      message: expect.stringContaining(message) as string,
    });
    await expect(failure).rejects.not.toMatchObject({
      message: expect.stringContaining(TOKEN) as string,
    });
  });

  it('in verify mode the KMS key input is reported as ignored', async () => {
    const plan = await resolveInputs(
      inputs({ gcpKmsKeyVersion: 'v' }, { mode: 'verify' }),
      context,
    );
    expect(plan.notes).toContain(
      "Input 'gcp-kms-key-version' is ignored in mode verify. Set mode: sign-and-verify to sign the packages first.",
    );
  });
});
