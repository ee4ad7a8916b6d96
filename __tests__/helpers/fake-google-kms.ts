/**
 * Google's Security Token Service, IAM Credentials API and Cloud KMS on loopback, speaking their
 * documented REST protocols: the OAuth 2.0 token exchange (RFC 8693) at /v1/token, errors as
 * {error, error_description}; generateAccessToken for service account impersonation; and KMS's
 * getPublicKey and asymmetricSign with the CRC32C integrity fields, errors as
 * {error: {code, message, status}}. The key pairs are made here and never leave this file.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  answerGitHubOidc,
  crc32cReference,
  generateServiceKey,
  oidcTokenFor,
  sendJson,
  signDigestPkcs1,
  startFakeServer,
  type FakeServer,
} from './fake-cloud.js';

export const PROVIDER =
  'projects/123456789/locations/global/workloadIdentityPools/github-pool/providers/github-provider';
export const SERVICE_ACCOUNT = 'nupkg-signer@octo-project.iam.gserviceaccount.com';
export const FEDERATED_TOKEN = 'ya29.federated-token-8d3c1b';
export const SERVICE_ACCOUNT_TOKEN = 'ya29.service-account-token-2f7a9e';
/** A token the workflow "already has" (google-github-actions/auth's output). */
export const GIVEN_TOKEN = 'ya29.given-token-6b0d4c';
export const EXPIRED_TOKEN = 'ya29.expired-token-1a2b3c';

export function keyVersionName(key: string, version = 1): string {
  return `projects/octo-project/locations/global/keyRings/signing/cryptoKeys/${key}/cryptoKeyVersions/${version}`;
}

export interface FakeGoogleKey {
  readonly algorithm: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface FakeGoogle extends FakeServer {
  readonly keys: Map<string, FakeGoogleKey>;
  /** Answer the next N KMS calls with 429 RESOURCE_EXHAUSTED. */
  throttle(count: number): void;
  /** Refuse GitHub's OIDC token as stale (invalid_grant). */
  staleSubjectToken(stale: boolean): void;
  /** Answer asymmetricSign with a signatureCrc32c that does not match. */
  corruptSignatures(corrupt: boolean): void;
  /** asymmetricSign calls that signed: the key version and the token used. */
  readonly signed: { name: string; token: string; digestField: string }[];
}

export async function startFakeGoogle(): Promise<FakeGoogle> {
  const keys = new Map<string, FakeGoogleKey>();
  const signed: FakeGoogle['signed'] = [];
  let throttled = 0;
  let stale = false;
  let corrupt = false;

  const server = await startFakeServer((request, response) => {
    if (answerGitHubOidc(request, response)) return;
    const path = new URL(request.path, 'http://x').pathname;
    const bearer = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (path === '/v1/token' && request.method === 'POST') {
      const form = new URLSearchParams(request.body);
      const oauthError = (error: string, description: string) =>
        sendJson(response, 400, { error, error_description: description });
      if (
        form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange' ||
        form.get('requested_token_type') !== 'urn:ietf:params:oauth:token-type:access_token' ||
        form.get('subject_token_type') !== 'urn:ietf:params:oauth:token-type:jwt'
      ) {
        return oauthError('invalid_request', 'Invalid token exchange request');
      }
      if (form.get('audience') !== `//iam.googleapis.com/${PROVIDER}`) {
        return oauthError(
          'invalid_target',
          'The target service indicated by the "audience" parameters is invalid.',
        );
      }
      if (form.get('subject_token') !== oidcTokenFor(`https://iam.googleapis.com/${PROVIDER}`)) {
        return oauthError(
          'invalid_grant',
          'The audience in ID Token does not match the expected audience.',
        );
      }
      if (stale)
        return oauthError('invalid_grant', 'ID Token issued at 1700000000 is stale to sign-in.');
      return sendJson(response, 200, {
        access_token: FEDERATED_TOKEN,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: 3600,
      });
    }
    const impersonation = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(
      path,
    );
    if (impersonation !== null) {
      if (
        bearer !== FEDERATED_TOKEN ||
        decodeURIComponent(impersonation[1] ?? '') !== SERVICE_ACCOUNT
      ) {
        return googleError(
          response,
          403,
          'PERMISSION_DENIED',
          "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
        );
      }
      return sendJson(response, 200, {
        accessToken: SERVICE_ACCOUNT_TOKEN,
        expireTime: new Date(Date.now() + 3_600_000).toISOString(),
      });
    }
    if (
      bearer === EXPIRED_TOKEN ||
      ![SERVICE_ACCOUNT_TOKEN, FEDERATED_TOKEN, GIVEN_TOKEN].includes(bearer)
    ) {
      return googleError(
        response,
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    }
    if (throttled > 0) {
      throttled -= 1;
      return googleError(
        response,
        429,
        'RESOURCE_EXHAUSTED',
        "Quota exceeded for quota metric 'Cryptographic requests' and limit 'Cryptographic requests per minute'.",
      );
    }
    const kms = /^\/v1\/(projects\/.+\/cryptoKeyVersions\/\d+)(\/publicKey|:asymmetricSign)$/.exec(
      path,
    );
    const key = kms === null ? undefined : keys.get(kms[1] ?? '');
    if (kms === null || key === undefined) {
      return googleError(response, 404, 'NOT_FOUND', `${kms?.[1] ?? path} not found.`);
    }
    const name = kms[1] ?? '';
    if (key.state !== 'ENABLED') {
      return googleError(
        response,
        400,
        'FAILED_PRECONDITION',
        `${name} is not enabled, current state is: ${key.state}.`,
      );
    }
    if (kms[2] === '/publicKey') {
      const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      return sendJson(response, 200, {
        pem,
        algorithm: key.algorithm,
        pemCrc32c: String(crc32cReference(Buffer.from(pem))),
        name,
        protectionLevel: 'HSM',
      });
    }
    const body = JSON.parse(request.body) as {
      digest?: Record<string, string>;
      digestCrc32c?: string;
    };
    const [field, value] = Object.entries(body.digest ?? {})[0] ?? ['', ''];
    const digest = Buffer.from(value, 'base64');
    if (body.digestCrc32c !== undefined && body.digestCrc32c !== String(crc32cReference(digest))) {
      return googleError(
        response,
        400,
        'INVALID_ARGUMENT',
        'The checksum in field digest_crc32c did not match the data in field digest.',
      );
    }
    if (
      !key.algorithm.startsWith('RSA_SIGN_PKCS1_') ||
      !key.algorithm.toLowerCase().endsWith(field)
    ) {
      return googleError(
        response,
        400,
        'INVALID_ARGUMENT',
        `Digest type must match the algorithm ${key.algorithm}.`,
      );
    }
    signed.push({ name, token: bearer, digestField: field });
    const signature = signDigestPkcs1(key.privateKey, digest);
    const checksum = crc32cReference(signature);
    return sendJson(response, 200, {
      signature: signature.toString('base64'),
      signatureCrc32c: String(corrupt ? (checksum ^ 1) >>> 0 : checksum),
      verifiedDigestCrc32c: body.digestCrc32c !== undefined,
      name,
      protectionLevel: 'HSM',
    });
  });

  return {
    ...server,
    keys,
    signed,
    throttle: (count) => {
      throttled = count;
    },
    staleSubjectToken: (value) => {
      stale = value;
    },
    corruptSignatures: (value) => {
      corrupt = value;
    },
  };
}

/** A key version the fake makes and holds; the test gets only its public half. */
export function addKeyVersion(
  google: FakeGoogle,
  name: string,
  options: Partial<Pick<FakeGoogleKey, 'algorithm' | 'state'>> = {},
): KeyObject {
  const algorithm = options.algorithm ?? 'RSA_SIGN_PKCS1_2048_SHA256';
  const pair = generateServiceKey(algorithm.startsWith('EC_') ? 'ec' : 'rsa');
  google.keys.set(name, { algorithm, state: options.state ?? 'ENABLED', ...pair });
  return createPublicKey(pair.publicKey.export({ type: 'spki', format: 'pem' }));
}

function googleError(
  response: ServerResponse,
  code: number,
  status: string,
  message: string,
): void {
  sendJson(response, code, { error: { code, message, status } });
}
