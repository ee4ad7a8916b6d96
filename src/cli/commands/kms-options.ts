import { NupkgSigningError } from '../../errors.js';
import type { KeyInputs } from '../../run/key-inputs.js';

/**
 * The cloud key service options of `sign` (docs/aws-kms.md, docs/google-cloud-kms.md), kept here
 * so that sign.ts only spreads them in. Credentials never come from argv: AWS reads its standard
 * variables or assumes a role with GitHub's OIDC token; a Google access token comes from the
 * variable --gcp-access-token-env names.
 */
export const KMS_OPTIONS = {
  'aws-kms-key': { type: 'string' },
  'aws-region': { type: 'string' },
  'aws-role-arn': { type: 'string' },
  'aws-kms-endpoint': { type: 'string' },
  'aws-sts-endpoint': { type: 'string' },
  'gcp-kms-key-version': { type: 'string' },
  'gcp-workload-identity-provider': { type: 'string' },
  'gcp-service-account': { type: 'string' },
  'gcp-access-token-env': { type: 'string' },
  'gcp-credentials': { type: 'string' },
  'gcp-kms-endpoint': { type: 'string' },
  'gcp-sts-endpoint': { type: 'string' },
  'gcp-iam-credentials-endpoint': { type: 'string' },
} as const;

/** The key-source options these add, for sign.ts's "give exactly one" check. */
export const KMS_KEY_SOURCES = ['aws-kms-key', 'gcp-kms-key-version'] as const;

// Descriptions start at column 34 and end by column 80, as the rest of `sign --help`.
export const KMS_KEY_SOURCE_USAGE = `  --aws-kms-key KEY               sign with an RSA key in AWS KMS (key id, ARN
                                  or alias/NAME), with --certificate-chain
                                  (docs/aws-kms.md)
  --gcp-kms-key-version NAME      sign with an RSA key version in Google Cloud
                                  KMS, with --certificate-chain
                                  (docs/google-cloud-kms.md)`;

export const KMS_OPTIONS_USAGE = `  --aws-region REGION             AWS region (default AWS_REGION, or the ARN's)
  --aws-role-arn ARN              assume this role with GitHub's OIDC token
                                  (else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)
  --aws-kms-endpoint URL          KMS endpoint (a VPC endpoint)
  --aws-sts-endpoint URL          STS endpoint for --aws-role-arn
  --gcp-workload-identity-provider NAME
                                  federate GitHub's OIDC token: projects/N/
                                  locations/global/workloadIdentityPools/
                                  POOL/providers/ID
  --gcp-service-account EMAIL     impersonate it after federation
  --gcp-access-token-env NAME     env var holding a Google access token
  --gcp-credentials FILE          credentials JSON (default:
                                  GOOGLE_APPLICATION_CREDENTIALS)
  --gcp-kms-endpoint URL          Cloud KMS endpoint; also --gcp-sts-endpoint
                                  and --gcp-iam-credentials-endpoint URL`;

type KmsValues = { readonly [K in keyof typeof KMS_OPTIONS]?: string | undefined };

/** The cloud key inputs the options describe; {} when none of the key options is given. */
export function kmsKeyInputs(
  values: KmsValues,
  env: NodeJS.ProcessEnv,
): Pick<KeyInputs, 'awsKms' | 'googleKms'> {
  const aws = values['aws-kms-key'];
  const google = values['gcp-kms-key-version'];
  const stray = (prefix: string) =>
    Object.keys(KMS_OPTIONS).filter(
      (name) => name.startsWith(prefix) && values[name as keyof KmsValues] !== undefined,
    );
  const optional = (name: string, value: string | undefined) =>
    value === undefined ? {} : { [name]: value };
  if (aws === undefined && stray('aws-').length > 0) {
    throw usage(`${flags(stray('aws-'))} need --aws-kms-key.`);
  }
  if (google === undefined && stray('gcp-').length > 0) {
    throw usage(`${flags(stray('gcp-'))} need --gcp-kms-key-version.`);
  }
  if (aws !== undefined) {
    return {
      awsKms: {
        keyId: aws,
        env,
        ...optional('region', values['aws-region']),
        ...optional('roleArn', values['aws-role-arn']),
        ...optional('endpoint', values['aws-kms-endpoint']),
        ...optional('stsEndpoint', values['aws-sts-endpoint']),
      },
    };
  }
  if (google === undefined) return {};
  const tokenVariable = values['gcp-access-token-env'];
  const token = tokenVariable === undefined ? undefined : env[tokenVariable];
  if (tokenVariable !== undefined && !token) {
    throw usage(
      `The Google access token variable ${tokenVariable} is not set: put the token in it, or use --gcp-workload-identity-provider.`,
    );
  }
  return {
    googleKms: {
      keyVersion: google,
      env,
      ...optional('accessToken', token),
      ...optional('workloadIdentityProvider', values['gcp-workload-identity-provider']),
      ...optional('serviceAccount', values['gcp-service-account']),
      ...optional('credentialsFile', values['gcp-credentials']),
      ...optional('endpoint', values['gcp-kms-endpoint']),
      ...optional('stsEndpoint', values['gcp-sts-endpoint']),
      ...optional('iamCredentialsEndpoint', values['gcp-iam-credentials-endpoint']),
    },
  };
}

function flags(names: readonly string[]): string {
  return names.map((name) => `--${name}`).join(', ');
}

function usage(message: string): NupkgSigningError {
  return new NupkgSigningError('NUPKG003', message);
}
