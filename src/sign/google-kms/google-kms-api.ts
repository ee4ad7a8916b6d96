import { NupkgSigningError } from '../../errors.js';
import { HttpError } from '../../http/failure.js';
import { sendWithRetries, STANDARD_BACKOFF } from '../../http/retry.js';
import { parseJsonObject } from '../cloud/github-oidc.js';

/** Cloud KMS answers are small JSON documents (a public key PEM is the largest, < 2 KB). */
const MAX_ANSWER_BYTES = 256 * 1024;
const TIMEOUT_MS = 30_000;

/**
 * One call of the Cloud KMS REST API (cloud.google.com/kms/docs/reference/rest) through the
 * shared HTTP client: bounded, retried on 429 RESOURCE_EXHAUSTED, 5xx and network errors.
 * A refusal becomes a coded error built from Google's error document (`{error: {status, message}}`).
 */
export async function callCloudKms(
  url: string,
  accessToken: string,
  doing: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  let answer;
  try {
    answer = await sendWithRetries(
      {
        url,
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          Authorization: `Bearer ${accessToken}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: new TextEncoder().encode(JSON.stringify(body)) }),
        maxResponseBytes: MAX_ANSWER_BYTES,
        responseName: 'a Cloud KMS answer',
        timeoutMs: TIMEOUT_MS,
        redirects: { refuse: 'the access token goes only to the Cloud KMS endpoint' },
        service: 'Cloud KMS',
        readErrorBody: true,
      },
      { retries: 3, ...STANDARD_BACKOFF, honourRetryAfter: true },
    );
  } catch (error) {
    throw error instanceof HttpError ? cloudKmsError(error, doing) : error;
  }
  const document = parseJsonObject(answer.body);
  if (document === undefined) {
    throw new NupkgSigningError('NU3001', `Cloud KMS answered with no JSON object while ${doing}.`);
  }
  return document;
}

/** Google's canonical error codes (google.rpc.Code) turned into what the user must change. */
function cloudKmsError(error: HttpError, doing: string): NupkgSigningError {
  const { failure } = error;
  if (failure.kind !== 'status') return error;
  const details = failure.body === undefined ? undefined : parseJsonObject(failure.body);
  const inner = details?.error as { status?: unknown; message?: unknown } | undefined;
  const status = typeof inner?.status === 'string' ? inner.status.slice(0, 40) : '';
  const message = typeof inner?.message === 'string' ? quote(inner.message) : '';
  const said = `Cloud KMS answered HTTP ${failure.status}${status ? ` ${status}` : ''}${message ? ` (${message})` : ''} while ${doing}`;
  const fail = (code: 'NU3001' | 'NU3014' | 'NUPKG006', advice: string) =>
    new NupkgSigningError(code, `${said}: ${advice}`, { cause: error });
  const attempts = error.context.attempts ?? 1;
  if (failure.status === 429 || status === 'RESOURCE_EXHAUSTED') {
    return fail(
      'NUPKG006',
      `the request quota was exceeded (${attempts} attempts made): sign fewer packages per run, retry later, or raise the Cloud KMS quota "Cryptographic requests per minute".`,
    );
  }
  if (failure.status === 401 || status === 'UNAUTHENTICATED') {
    return fail(
      'NU3001',
      'the access token was not accepted (it has expired, or is not an OAuth access token): get a fresh one in the same job (google-github-actions/auth), or let the tool federate with gcp-workload-identity-provider.',
    );
  }
  if (failure.status === 403 || status === 'PERMISSION_DENIED') {
    return fail(
      'NU3001',
      'grant the identity roles/cloudkms.signerVerifier (cloudkms.cryptoKeyVersions.useToSign and viewPublicKey) on the key (docs/google-cloud-kms.md).',
    );
  }
  if (failure.status === 404 || status === 'NOT_FOUND') {
    return fail(
      'NU3001',
      'check the key version name (projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V).',
    );
  }
  if (status === 'FAILED_PRECONDITION' && /DISABLED|DESTROY/.test(message)) {
    return fail(
      'NU3001',
      'the key version is not enabled: enable it (gcloud kms keys versions enable) or give an enabled version.',
    );
  }
  if (status === 'FAILED_PRECONDITION' || status === 'INVALID_ARGUMENT') {
    return fail(
      'NU3014',
      'the key version cannot make RSA PKCS#1 v1.5 signatures: use an ASYMMETRIC_SIGN key with an RSA_SIGN_PKCS1_* algorithm.',
    );
  }
  return failure.status >= 500
    ? fail(
        'NUPKG006',
        `Cloud KMS could not serve the request (${attempts} attempts made): retry later.`,
      )
    : fail('NU3001', 'see the Cloud KMS documentation for this error.');
}

function quote(text: string): string {
  const line = text.replace(/[^\x20-\x7e]+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
