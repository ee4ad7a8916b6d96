import type { ErrorCode } from '../../codes.js';
import { NupkgSigningError } from '../../errors.js';

/** What the AWS SDK throws for a service error: the error code as `name`, the HTTP status. */
interface AwsServiceError {
  readonly name: string;
  readonly message: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

function isAwsServiceError(error: unknown): error is AwsServiceError {
  return error instanceof Error && typeof (error as { $metadata?: unknown }).$metadata === 'object';
}

const QUOTE_CHARS = 300;

/**
 * Turns what the AWS SDK threw while `doing` ("signing with KMS key …") into a coded error that
 * says what to change. Service codes: KMS API reference "Common Errors" and each action's
 * errors; STS AssumeRoleWithWebIdentity's.
 */
export function awsError(error: unknown, doing: string): NupkgSigningError {
  if (error instanceof NupkgSigningError) return error;
  if (!isAwsServiceError(error)) {
    const detail = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | undefined)?.code;
    return new NupkgSigningError(
      'NUPKG006',
      `AWS could not be reached while ${doing}: ${typeof code === 'string' ? `${code}: ` : ''}${quote(detail)}.`,
      { cause: error },
    );
  }
  const said = error.message ? ` (${quote(error.message)})` : '';
  const attempts = error.$metadata?.attempts ?? 1;
  const fail = (code: ErrorCode, advice: string) =>
    new NupkgSigningError(code, `AWS answered ${error.name}${said} while ${doing}: ${advice}`, {
      cause: error,
    });
  switch (error.name) {
    case 'ThrottlingException':
    case 'Throttling':
    case 'RequestLimitExceeded':
    case 'LimitExceededException':
      return fail(
        'NUPKG006',
        `the request rate quota was exceeded (${attempts} attempts made): sign fewer packages per run, retry later, or ask AWS for a higher KMS request quota.`,
      );
    case 'ExpiredTokenException':
    case 'ExpiredToken':
      return fail(
        'NU3001',
        'the credentials have expired: get fresh ones (aws-actions/configure-aws-credentials before this step, with a role-duration-seconds that covers the signing), or use aws-role-arn so the tool assumes the role itself.',
      );
    case 'InvalidIdentityToken':
    case 'InvalidIdentityTokenException':
    case 'IDPRejectedClaim':
    case 'IDPRejectedClaimException':
      return fail(
        'NU3001',
        "STS refused GitHub's OIDC token: add token.actions.githubusercontent.com as an IAM OIDC identity provider with audience sts.amazonaws.com, and let the role's trust policy accept this repository's 'sub' claim (docs/aws-kms.md).",
      );
    case 'AccessDenied':
    case 'AccessDeniedException':
      return fail(
        'NU3001',
        'the identity may not do this: allow kms:Sign and kms:GetPublicKey on the key in the key policy or the role policy, and (for aws-role-arn) let the role trust GitHub OIDC tokens of this repository (docs/aws-kms.md).',
      );
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'IncompleteSignature':
    case 'InvalidClientTokenId':
    case 'SignatureDoesNotMatch':
      return fail(
        'NU3001',
        'the credentials were not accepted: check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, and the region.',
      );
    case 'NotFoundException':
      return fail(
        'NU3001',
        'there is no such key in this account and region: check the key id or alias and the region.',
      );
    case 'DisabledException':
      return fail('NU3001', 'the key is disabled: enable it in KMS (EnableKey) before signing.');
    case 'KMSInvalidStateException':
      return fail(
        'NU3001',
        'the key is not usable in its current state (pending deletion, pending import or unavailable): cancel its deletion or use another key.',
      );
    case 'InvalidKeyUsageException':
      return fail(
        'NU3014',
        'the key cannot sign: create an RSA key with key usage SIGN_VERIFY (NuGet accepts only RSA signatures).',
      );
    case 'KeyUnavailableException':
    case 'KMSInternalException':
    case 'DependencyTimeoutException':
      return fail(
        'NUPKG006',
        `KMS could not serve the request (${attempts} attempts made): retry later.`,
      );
    default:
      return fail(
        'NU3001',
        `HTTP ${error.$metadata?.httpStatusCode ?? '?'}; see the AWS KMS documentation for this error.`,
      );
  }
}

function quote(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ').trim();
  return line.length > QUOTE_CHARS ? `${line.slice(0, QUOTE_CHARS)}…` : line;
}
