import { readFile } from 'node:fs/promises';
import { describeError, NupkgSigningError } from '../../errors.js';
import { serviceEndpoint } from '../cloud/endpoint.js';
import { requestGitHubOidcToken } from '../cloud/github-oidc.js';

/** Which key version, and how we authenticate (docs/google-cloud-kms.md). */
export interface GoogleKmsTarget {
  /** projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V */
  readonly keyVersion: string;
  /** An OAuth access token the workflow already has (google-github-actions/auth's output). */
  readonly accessToken?: string;
  /**
   * Workload identity federation with GitHub's OIDC token: the provider's resource name,
   * projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER.
   */
  readonly workloadIdentityProvider?: string;
  /** A service account to impersonate after the token exchange (IAM Credentials API). */
  readonly serviceAccount?: string;
  /** An Application Default Credentials JSON file; default GOOGLE_APPLICATION_CREDENTIALS. */
  readonly credentialsFile?: string;
  /** Instead of https://cloudkms.googleapis.com (Private Service Connect, a test server). */
  readonly endpoint?: string;
  /** Instead of https://sts.googleapis.com, for workloadIdentityProvider. */
  readonly stsEndpoint?: string;
  /** Instead of https://iamcredentials.googleapis.com, for serviceAccount. */
  readonly iamCredentialsEndpoint?: string;
}

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const PROVIDER_NAME =
  /^projects\/\d{1,20}\/locations\/global\/workloadIdentityPools\/[a-z0-9-]{4,32}\/providers\/[a-z0-9-]{4,32}$/;
const SERVICE_ACCOUNT = /^[a-z0-9-]{6,30}@[a-z0-9.-]{1,100}\.iam\.gserviceaccount\.com$/;
const MAX_CREDENTIALS_FILE_BYTES = 64 * 1024;

/**
 * An access token for Cloud KMS from the one source the target names: a token, workload identity
 * federation, or a credentials file (else GOOGLE_APPLICATION_CREDENTIALS, which
 * google-github-actions/auth sets). google-auth-library does the exchanges, loaded only here.
 */
export async function googleAccessToken(
  target: GoogleKmsTarget,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const given = [
    target.accessToken !== undefined && 'an access token',
    target.workloadIdentityProvider !== undefined && 'a workload identity provider',
    target.credentialsFile !== undefined && 'a credentials file',
  ].filter((kind) => kind !== false);
  if (given.length > 1) {
    throw usage(`Give one Google credential, not ${given.join(' and ')}.`);
  }
  if (target.serviceAccount !== undefined && target.workloadIdentityProvider === undefined) {
    throw usage(
      'A Google service account is impersonated only after workload identity federation: give the workload identity provider too (a credentials file names its service account itself).',
    );
  }
  if (target.accessToken !== undefined) {
    if (target.accessToken.trim() === '') throw usage('The Google access token is empty.');
    return target.accessToken.trim();
  }
  try {
    if (target.workloadIdentityProvider !== undefined) {
      return await federatedToken(target, target.workloadIdentityProvider, env);
    }
    const file = target.credentialsFile ?? env.GOOGLE_APPLICATION_CREDENTIALS;
    if (!file) {
      throw usage(
        "Google Cloud KMS needs credentials: a workload identity provider (--gcp-workload-identity-provider, the action's gcp-workload-identity-provider input; the job needs 'permissions: id-token: write'), an access token, or a credentials file (GOOGLE_APPLICATION_CREDENTIALS, as google-github-actions/auth sets it).",
      );
    }
    return await fileToken(file);
  } catch (error) {
    throw googleAuthError(error);
  }
}

async function federatedToken(
  target: GoogleKmsTarget,
  provider: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (!PROVIDER_NAME.test(provider)) {
    throw usage(
      `'${provider.slice(0, 200)}' is not a workload identity provider name: give projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER (gcloud iam workload-identity-pools providers describe … --format 'value(name)').`,
    );
  }
  if (target.serviceAccount !== undefined && !SERVICE_ACCOUNT.test(target.serviceAccount)) {
    throw usage(
      `'${target.serviceAccount.slice(0, 200)}' is not a service account e-mail (NAME@PROJECT.iam.gserviceaccount.com).`,
    );
  }
  const sts = serviceEndpoint(
    target.stsEndpoint ?? 'https://sts.googleapis.com',
    'The Google STS endpoint',
  );
  const iam = serviceEndpoint(
    target.iamCredentialsEndpoint ?? 'https://iamcredentials.googleapis.com',
    'The Google IAM Credentials endpoint',
  );
  // The audience google-github-actions/auth asks GitHub for by default.
  const subjectToken = await requestGitHubOidcToken(
    `https://iam.googleapis.com/${provider}`,
    env,
    'Google workload identity federation',
  );
  const { IdentityPoolClient } = await import('google-auth-library');
  const client = new IdentityPoolClient({
    type: 'external_account',
    audience: `//iam.googleapis.com/${provider}`,
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    token_url: `${sts}/v1/token`,
    ...(target.serviceAccount === undefined
      ? {}
      : {
          service_account_impersonation_url: `${iam}/v1/projects/-/serviceAccounts/${target.serviceAccount}:generateAccessToken`,
        }),
    subject_token_supplier: { getSubjectToken: () => Promise.resolve(subjectToken) },
    scopes: [SCOPE],
  });
  return tokenOf(await client.getAccessToken());
}

async function fileToken(file: string): Promise<string> {
  const bytes = await readFile(file).catch((error: unknown) => {
    throw new NupkgSigningError(
      'NUPKG002',
      `The Google credentials file '${file}' cannot be read (${describeError(error)}).`,
      { file, cause: error },
    );
  });
  if (bytes.length > MAX_CREDENTIALS_FILE_BYTES) {
    throw new NupkgSigningError(
      'NUPKG004',
      `The Google credentials file '${file}' is larger than ${MAX_CREDENTIALS_FILE_BYTES} bytes; real ones are a few KB.`,
      { file },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new NupkgSigningError(
      'NUPKG005',
      `The Google credentials file '${file}' is not JSON: give the file google-github-actions/auth or 'gcloud iam workload-identity-pools create-cred-config' wrote.`,
      { file },
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new NupkgSigningError(
      'NUPKG005',
      `The Google credentials file '${file}' is not a JSON object.`,
      { file },
    );
  }
  const { GoogleAuth } = await import('google-auth-library');
  const auth = new GoogleAuth({ credentials: json, scopes: [SCOPE] });
  const client = await auth.getClient();
  return tokenOf(await client.getAccessToken());
}

function tokenOf(answer: { token?: string | null }): string {
  if (!answer.token) {
    throw new NupkgSigningError('NU3001', 'Google issued no access token for Cloud KMS.');
  }
  return answer.token;
}

/**
 * What google-auth-library threw, as a coded error. STS answers OAuth errors (invalid_grant for
 * an expired or unaccepted OIDC token, RFC 6749 §5.2); IAM Credentials answers Google API errors
 * (PERMISSION_DENIED when the federated identity may not impersonate the service account).
 */
function googleAuthError(error: unknown): NupkgSigningError {
  if (error instanceof NupkgSigningError) return error;
  const text = quote(describeError(error));
  const status = (error as { status?: unknown; response?: { status?: unknown } }).response?.status;
  if (/invalid_grant|invalid_request|unauthorized_client|invalid_target/.test(text)) {
    return new NupkgSigningError(
      'NU3001',
      `Google STS refused GitHub's OIDC token (${text}): check the workload identity provider name, its attribute condition (it must accept this repository), and that the token is fresh (docs/google-cloud-kms.md).`,
      { cause: error },
    );
  }
  if (status === 403 || /PERMISSION_DENIED|iam\.serviceAccounts\.getAccessToken/.test(text)) {
    return new NupkgSigningError(
      'NU3001',
      `Google refused to issue the access token (${text}): grant the federated identity roles/iam.workloadIdentityUser on the service account (docs/google-cloud-kms.md).`,
      { cause: error },
    );
  }
  return new NupkgSigningError('NU3001', `Google authentication failed: ${text}.`, {
    cause: error,
  });
}

function usage(message: string): NupkgSigningError {
  return new NupkgSigningError('NUPKG003', message);
}

function quote(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
