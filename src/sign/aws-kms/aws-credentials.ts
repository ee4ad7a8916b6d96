import type { KMSClientConfig } from '@aws-sdk/client-kms';
import { NupkgSigningError } from '../../errors.js';
import { requestGitHubOidcToken } from '../cloud/github-oidc.js';
import { AWS_REQUEST_HANDLER, boundedAnswers } from './aws-http.js';

/** How to reach the key and who we are (docs/aws-kms.md). */
export interface AwsKmsTarget {
  /** Key id, key ARN, alias name (alias/…) or alias ARN. */
  readonly keyId: string;
  /** Else AWS_REGION, AWS_DEFAULT_REGION, or the region in a key ARN. */
  readonly region?: string;
  /**
   * A role to assume with GitHub's OIDC token (STS AssumeRoleWithWebIdentity); without it the
   * standard environment credentials are used (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
   * AWS_SESSION_TOKEN, as aws-actions/configure-aws-credentials sets them).
   */
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  /** KMS endpoint instead of https://kms.REGION.amazonaws.com (a VPC endpoint, a test server). */
  readonly endpoint?: string;
  /** STS endpoint instead of the regional one. */
  readonly stsEndpoint?: string;
}

/** The audience AWS documents for GitHub's OIDC provider in IAM. */
const OIDC_AUDIENCE = 'sts.amazonaws.com';
const DEFAULT_SESSION_NAME = 'nupkg-signing';

/** The region to call: the option, the standard variables, or the key ARN's. */
export function awsRegion(target: AwsKmsTarget, env: NodeJS.ProcessEnv): string {
  const fromArn = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(target.keyId)?.[1];
  const region = target.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || fromArn;
  if (!region) {
    throw new NupkgSigningError(
      'NUPKG003',
      `The AWS region of KMS key ${target.keyId} is unknown: give it (--aws-region, the action's aws-region input, or AWS_REGION), or name the key by its ARN.`,
    );
  }
  if (!/^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/.test(region)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `'${region.slice(0, 40)}' is not an AWS region name (like eu-west-1).`,
    );
  }
  return region;
}

/**
 * The credentials for KMS: a role assumed with GitHub's OIDC token when a role ARN is given,
 * else the standard environment variables. The SDK module is loaded only here (docs/aws-kms.md).
 */
export async function awsCredentials(
  target: AwsKmsTarget,
  region: string,
  env: NodeJS.ProcessEnv,
  stsEndpoint: string | undefined,
): Promise<NonNullable<KMSClientConfig['credentials']>> {
  if (target.roleArn !== undefined) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(target.roleArn)) {
      throw new NupkgSigningError(
        'NUPKG003',
        `'${target.roleArn.slice(0, 120)}' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME).`,
      );
    }
    const webIdentityToken = await requestGitHubOidcToken(
      OIDC_AUDIENCE,
      env,
      `Assuming AWS role ${target.roleArn}`,
    );
    const { fromWebToken } = await import('@aws-sdk/credential-providers');
    return fromWebToken({
      roleArn: target.roleArn,
      webIdentityToken,
      roleSessionName: target.roleSessionName ?? DEFAULT_SESSION_NAME,
      durationSeconds: 900,
      clientConfig: {
        region,
        requestHandler: AWS_REQUEST_HANDLER,
        ...(stsEndpoint === undefined ? {} : { endpoint: stsEndpoint }),
      },
      // The STS client fromWebToken makes gets the same bound as the KMS client (aws-http.ts).
      clientPlugins: [boundedAnswers('STS')],
    });
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new NupkgSigningError(
      'NUPKG003',
      `AWS KMS needs credentials: give a role to assume with GitHub's OIDC token (--aws-role-arn, the action's aws-role-arn input; the job needs 'permissions: id-token: write'), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (aws-actions/configure-aws-credentials does).`,
    );
  }
  const sessionToken = env.AWS_SESSION_TOKEN;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
