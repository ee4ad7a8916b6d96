import { NupkgSigningError } from '../errors.js';
import type { KeyInputs } from '../run/key-inputs.js';
import { refuseOtherKeySources } from './key-source.js';

/** The cloud key service inputs (docs/aws-kms.md, docs/google-cloud-kms.md), '' when not set. */
export interface KmsActionInputs {
  readonly awsKmsKeyId: string;
  readonly awsRegion: string;
  readonly awsRoleArn: string;
  readonly awsKmsEndpoint: string;
  readonly awsStsEndpoint: string;
  readonly gcpKmsKeyVersion: string;
  readonly gcpWorkloadIdentityProvider: string;
  readonly gcpServiceAccount: string;
  /** Masked by read-inputs.ts before anything else runs. */
  readonly gcpAccessToken: string;
  readonly gcpCredentialsFile: string;
  readonly gcpKmsEndpoint: string;
  readonly gcpStsEndpoint: string;
  readonly gcpIamCredentialsEndpoint: string;
}

/** Input names, so that this file and action.yml are the only places that spell them. */
const NAMES: Readonly<Record<keyof KmsActionInputs, string>> = {
  awsKmsKeyId: 'aws-kms-key-id',
  awsRegion: 'aws-region',
  awsRoleArn: 'aws-role-arn',
  awsKmsEndpoint: 'aws-kms-endpoint',
  awsStsEndpoint: 'aws-sts-endpoint',
  gcpKmsKeyVersion: 'gcp-kms-key-version',
  gcpWorkloadIdentityProvider: 'gcp-workload-identity-provider',
  gcpServiceAccount: 'gcp-service-account',
  gcpAccessToken: 'gcp-access-token',
  gcpCredentialsFile: 'gcp-credentials-file',
  gcpKmsEndpoint: 'gcp-kms-endpoint',
  gcpStsEndpoint: 'gcp-sts-endpoint',
  gcpIamCredentialsEndpoint: 'gcp-iam-credentials-endpoint',
};

/** Reads the cloud key inputs once; read-inputs.ts calls it. */
export function readKmsInputs(get: (name: string) => string): KmsActionInputs {
  const entries = Object.entries(NAMES).map(([key, name]) => [key, get(name)]);
  return Object.fromEntries(entries) as unknown as KmsActionInputs;
}

/** The key-source input that is set ('aws-kms-key-id' or 'gcp-kms-key-version'), if any. */
export function kmsKeySources(inputs: KmsActionInputs | undefined): string[] {
  if (inputs === undefined) return [];
  return (['awsKmsKeyId', 'gcpKmsKeyVersion'] as const)
    .filter((key) => inputs[key].trim() !== '')
    .map((key) => NAMES[key]);
}

/**
 * Cloud inputs set without their key input ('aws-region' without 'aws-kms-key-id'): a mistake
 * to report rather than ignore, as the user meant to sign with a cloud key.
 */
export function orphanKmsInputs(inputs: KmsActionInputs | undefined): string | undefined {
  if (inputs === undefined || kmsKeySources(inputs).length > 0) return undefined;
  const set = (Object.keys(NAMES) as (keyof KmsActionInputs)[]).filter(
    (key) => inputs[key].trim() !== '',
  );
  const [first] = set;
  if (first === undefined) return undefined;
  const key = first.startsWith('aws') ? NAMES.awsKmsKeyId : NAMES.gcpKmsKeyVersion;
  return `Input '${NAMES[first]}' applies only with '${key}'; set '${key}' or remove it.`;
}

/**
 * The key inputs for a cloud KMS key; `otherKeys` names the other key-source inputs that were
 * also given (they exclude each other). The certificate chain is required: KMS holds none.
 */
export function kmsKeyInputs(
  inputs: KmsActionInputs,
  otherKeys: readonly string[],
  certificateChainPem: string | undefined,
): KeyInputs {
  const [source, ...more] = kmsKeySources(inputs);
  if (source === undefined) throw usage('No cloud KMS key input is set.');
  refuseOtherKeySources(source, [...more, ...otherKeys]);
  const aws = source === NAMES.awsKmsKeyId;
  const prefix = aws ? 'aws' : 'gcp';
  const stray = (Object.keys(NAMES) as (keyof KmsActionInputs)[]).filter(
    (key) => !key.startsWith(prefix) && inputs[key].trim() !== '',
  );
  if (stray.length > 0) {
    throw usage(
      `${stray.map((key) => `'${NAMES[key]}'`).join(' and ')} ${stray.length > 1 ? 'do' : 'does'} not apply to '${source}': remove ${stray.length > 1 ? 'them' : 'it'}.`,
    );
  }
  if (certificateChainPem === undefined) {
    throw usage(
      `Input '${source}' needs 'certificate-chain': the key's signing certificate first, then its intermediates (PEM text or a file), as ${aws ? 'AWS' : 'Cloud'} KMS holds no certificates.`,
    );
  }
  const value = (key: keyof KmsActionInputs) => inputs[key].trim();
  const optional = (name: string, key: keyof KmsActionInputs) =>
    value(key) === '' ? {} : { [name]: value(key) };
  const base = { certificateChainPem, source: `the '${source}' input` };
  if (aws) {
    return {
      ...base,
      awsKms: {
        keyId: value('awsKmsKeyId'),
        ...optional('region', 'awsRegion'),
        ...optional('roleArn', 'awsRoleArn'),
        ...optional('endpoint', 'awsKmsEndpoint'),
        ...optional('stsEndpoint', 'awsStsEndpoint'),
      },
    };
  }
  return {
    ...base,
    googleKms: {
      keyVersion: value('gcpKmsKeyVersion'),
      ...optional('accessToken', 'gcpAccessToken'),
      ...optional('workloadIdentityProvider', 'gcpWorkloadIdentityProvider'),
      ...optional('serviceAccount', 'gcpServiceAccount'),
      ...optional('credentialsFile', 'gcpCredentialsFile'),
      ...optional('endpoint', 'gcpKmsEndpoint'),
      ...optional('stsEndpoint', 'gcpStsEndpoint'),
      ...optional('iamCredentialsEndpoint', 'gcpIamCredentialsEndpoint'),
    },
  };
}

function usage(message: string): NupkgSigningError {
  return new NupkgSigningError('NUPKG003', message);
}
