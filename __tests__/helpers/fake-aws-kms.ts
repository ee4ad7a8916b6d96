/**
 * AWS KMS and STS on loopback, speaking their documented wire protocols: KMS's JSON 1.1 API
 * (POST /, X-Amz-Target: TrentService.<Action>, SigV4-signed; errors as {"__type", "message"})
 * and STS's query API for AssumeRoleWithWebIdentity (form body, XML answer; unsigned, as the
 * caller has no credentials yet). The key pairs are made here and never leave this file.
 */
import { createHash, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  answerGitHubOidc,
  generateServiceKey,
  oidcTokenFor,
  sendJson,
  signDigestPkcs1,
  startFakeServer,
  type FakeServer,
  type LoggedRequest,
} from './fake-cloud.js';

export const AWS_REGION = 'eu-west-1';
export const AWS_ACCOUNT = '123456789012';
export const ROLE_ARN = `arn:aws:iam::${AWS_ACCOUNT}:role/nupkg-signer`;
/** Long-lived keys the test puts in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
export const STATIC_CREDENTIALS = {
  accessKeyId: 'AKIAEXAMPLESTATIC01',
  secretAccessKey: 'static-secret-9b2d7e1f4a6c',
};
/** What STS hands out for the assumed role. */
export const ROLE_CREDENTIALS = {
  accessKeyId: 'ASIAEXAMPLEROLE0001',
  secretAccessKey: 'role-secret-3c8a1f0e7d2b',
  sessionToken: 'role-session-token-6f4e2a9c',
};
export const EXPIRED_SESSION_TOKEN = 'expired-session-token-0d1e';

export interface FakeKmsKey {
  readonly keySpec: string;
  readonly keyUsage: 'SIGN_VERIFY' | 'ENCRYPT_DECRYPT';
  readonly enabled: boolean;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface FakeAws extends FakeServer {
  /** By key id (the test names keys by id; the fake also answers to their ARNs). */
  readonly keys: Map<string, FakeKmsKey>;
  keyArn(id: string): string;
  /** Answer the next N Sign calls with ThrottlingException. */
  throttleSigns(count: number): void;
  /** Reject the web identity token as expired (STS ExpiredTokenException). */
  expireWebIdentity(expired: boolean): void;
  /** Sign requests that reached the key (after SigV4 checks). */
  readonly signed: { keyId: string; algorithm: string; credential: string }[];
}

export async function startFakeAws(): Promise<FakeAws> {
  const keys = new Map<string, FakeKmsKey>();
  const signed: FakeAws['signed'] = [];
  let throttle = 0;
  let webIdentityExpired = false;
  const keyArn = (id: string) => `arn:aws:kms:${AWS_REGION}:${AWS_ACCOUNT}:key/${id}`;
  const findKey = (keyId: unknown): [string, FakeKmsKey] | undefined => {
    const id = typeof keyId === 'string' ? keyId.replace(/^arn:aws:kms:[^:]+:\d+:key\//, '') : '';
    const key = keys.get(id);
    return key === undefined ? undefined : [id, key];
  };

  const server = await startFakeServer((request, response) => {
    if (answerGitHubOidc(request, response)) return;
    if (request.headers['content-type'] === 'application/x-www-form-urlencoded') {
      return sts(request, response);
    }
    const target = request.headers['x-amz-target'];
    const fault = checkSigV4(request);
    if (fault !== undefined) return awsError(response, 400, fault[0], fault[1]);
    const body = JSON.parse(request.body) as Record<string, unknown>;
    const found = findKey(body.KeyId);
    if (found === undefined) {
      return awsError(
        response,
        400,
        'NotFoundException',
        `Key '${String(body.KeyId)}' does not exist`,
      );
    }
    const [id, key] = found;
    if (!key.enabled) {
      return awsError(response, 400, 'DisabledException', `${keyArn(id)} is disabled.`);
    }
    if (target === 'TrentService.GetPublicKey') {
      const rsa = key.keySpec.startsWith('RSA_');
      return sendJson(response, 200, {
        KeyId: keyArn(id),
        KeySpec: key.keySpec,
        KeyUsage: key.keyUsage,
        PublicKey: key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
        ...(key.keyUsage === 'SIGN_VERIFY'
          ? {
              SigningAlgorithms: rsa
                ? [
                    'RSASSA_PSS_SHA_256',
                    'RSASSA_PSS_SHA_384',
                    'RSASSA_PSS_SHA_512',
                    'RSASSA_PKCS1_V1_5_SHA_256',
                    'RSASSA_PKCS1_V1_5_SHA_384',
                    'RSASSA_PKCS1_V1_5_SHA_512',
                  ]
                : ['ECDSA_SHA_256'],
            }
          : { EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] }),
      });
    }
    if (target === 'TrentService.Sign') {
      if (throttle > 0) {
        throttle -= 1;
        return awsError(response, 400, 'ThrottlingException', 'Rate exceeded');
      }
      if (key.keyUsage !== 'SIGN_VERIFY') {
        return awsError(response, 400, 'InvalidKeyUsageException', 'KeyUsage is ENCRYPT_DECRYPT');
      }
      const algorithm = String(body.SigningAlgorithm);
      const digest = Buffer.from(String(body.Message), 'base64');
      const expected = {
        RSASSA_PKCS1_V1_5_SHA_256: 32,
        RSASSA_PKCS1_V1_5_SHA_384: 48,
        RSASSA_PKCS1_V1_5_SHA_512: 64,
      }[algorithm];
      if (body.MessageType !== 'DIGEST' || expected !== digest.length) {
        return awsError(
          response,
          400,
          'ValidationException',
          'Digest is invalid length for algorithm',
        );
      }
      signed.push({ keyId: id, algorithm, credential: String(request.headers.authorization) });
      return sendJson(response, 200, {
        KeyId: keyArn(id),
        Signature: signDigestPkcs1(key.privateKey, digest).toString('base64'),
        SigningAlgorithm: algorithm,
      });
    }
    return awsError(response, 400, 'UnknownOperationException', String(target));
  });

  /** STS AssumeRoleWithWebIdentity (query API, 2011-06-15). */
  function sts(request: LoggedRequest, response: ServerResponse): void {
    const form = new URLSearchParams(request.body);
    const xmlError = (status: number, code: string, message: string) => {
      response.writeHead(status, { 'Content-Type': 'text/xml' });
      response.end(
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
      );
    };
    if (
      form.get('Action') !== 'AssumeRoleWithWebIdentity' ||
      form.get('Version') !== '2011-06-15'
    ) {
      return xmlError(400, 'InvalidAction', 'Could not find operation');
    }
    if (request.headers.authorization !== undefined) {
      return xmlError(400, 'InvalidParameterValue', 'AssumeRoleWithWebIdentity is not signed');
    }
    if (form.get('WebIdentityToken') !== oidcTokenFor('sts.amazonaws.com')) {
      return xmlError(400, 'InvalidIdentityToken', 'Incorrect token audience');
    }
    if (webIdentityExpired)
      return xmlError(
        400,
        'ExpiredTokenException',
        'Token expired: current date/time 1700000000 must be before the expiration date/time1690000000',
      );
    if (form.get('RoleArn') !== ROLE_ARN) {
      return xmlError(
        403,
        'AccessDenied',
        'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      );
    }
    if (!/^[\w+=,.@-]{2,64}$/.test(form.get('RoleSessionName') ?? '')) {
      return xmlError(400, 'ValidationError', 'RoleSessionName is invalid');
    }
    const expiration = new Date(Date.now() + 900_000).toISOString();
    response.writeHead(200, { 'Content-Type': 'text/xml' });
    response.end(`<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:${form.get('RoleSessionName')}</AssumedRoleId><Arn>arn:aws:sts::${AWS_ACCOUNT}:assumed-role/nupkg-signer/${form.get('RoleSessionName')}</Arn></AssumedRoleUser>
    <Provider>arn:aws:iam::${AWS_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com</Provider>
    <Credentials>
      <AccessKeyId>${ROLE_CREDENTIALS.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${ROLE_CREDENTIALS.secretAccessKey}</SecretAccessKey>
      <SessionToken>${ROLE_CREDENTIALS.sessionToken}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
    <SubjectFromWebIdentityToken>repo:octo/pkg:ref:refs/heads/main</SubjectFromWebIdentityToken>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`);
  }

  return {
    ...server,
    keys,
    keyArn,
    signed,
    throttleSigns: (count) => {
      throttle = count;
    },
    expireWebIdentity: (expired) => {
      webIdentityExpired = expired;
    },
  };
}

/** A key the fake makes and holds; the test gets only its public half. */
export function addKmsKey(
  aws: FakeAws,
  id: string,
  options: Partial<Pick<FakeKmsKey, 'keySpec' | 'keyUsage' | 'enabled'>> = {},
): KeyObject {
  const keySpec = options.keySpec ?? 'RSA_2048';
  const pair = generateServiceKey(keySpec.startsWith('RSA_') ? 'rsa' : 'ec');
  aws.keys.set(id, {
    keySpec,
    keyUsage: options.keyUsage ?? 'SIGN_VERIFY',
    enabled: options.enabled ?? true,
    ...pair,
  });
  return pair.publicKey;
}

/**
 * SigV4's shape (AWS General Reference, "Signature Version 4 signing process"): the
 * Authorization header names AWS4-HMAC-SHA256, a credential scope for this region and kms, the
 * signed headers (host and x-amz-date at least, the session token when there is one) and a
 * 64-hex signature; X-Amz-Content-Sha256 is the body's hash. Returns the AWS error to answer.
 */
function checkSigV4(request: LoggedRequest): [string, string] | undefined {
  const auth = request.headers.authorization ?? '';
  const match =
    /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\/(\d{8})\/([a-z0-9-]+)\/kms\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/.exec(
      auth,
    );
  if (match === null) return ['IncompleteSignature', 'Authorization header is not SigV4'];
  const [, accessKeyId, day, region, signedHeaders] = match;
  const date = String(request.headers['x-amz-date'] ?? '');
  if (!date.startsWith(day ?? '-') || region !== AWS_REGION) {
    return ['InvalidSignatureException', 'Credential scope does not match the request'];
  }
  const signed = (signedHeaders ?? '').split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date')) {
    return ['InvalidSignatureException', 'host and x-amz-date must be signed'];
  }
  const hash = createHash('sha256').update(request.body).digest('hex');
  if (
    request.headers['x-amz-content-sha256'] !== undefined &&
    request.headers['x-amz-content-sha256'] !== hash
  ) {
    return ['InvalidSignatureException', 'Payload hash does not match'];
  }
  const token = request.headers['x-amz-security-token'];
  if (token === EXPIRED_SESSION_TOKEN) {
    return ['ExpiredTokenException', 'The security token included in the request is expired'];
  }
  if (accessKeyId === STATIC_CREDENTIALS.accessKeyId && token === undefined) return undefined;
  if (
    accessKeyId === ROLE_CREDENTIALS.accessKeyId &&
    token === ROLE_CREDENTIALS.sessionToken &&
    signed.includes('x-amz-security-token')
  ) {
    return undefined;
  }
  if (accessKeyId === STATIC_CREDENTIALS.accessKeyId && token !== undefined) return undefined;
  return ['UnrecognizedClientException', 'The security token included in the request is invalid.'];
}

function awsError(response: ServerResponse, status: number, type: string, message: string): void {
  sendJson(
    response,
    status,
    { __type: type, message },
    { 'Content-Type': 'application/x-amz-json-1.1' },
  );
}
