/**
 * The pieces of the cloud KMS providers that need no server: CRC32C against its published check
 * value and the reference implementation, and the CLI's cloud options.
 */
import { kmsKeyInputs } from '../../../../src/cli/commands/kms-options.js';
import { crc32c } from '../../../../src/sign/google-kms/crc32c.js';
import { crc32cReference } from '../../../helpers/fake-cloud.js';

describe('crc32c', () => {
  it('has the Castagnoli check value for "123456789" (0xE3069283)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('agrees with the bitwise reference on data of every length up to 300 bytes', () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff));
    for (let length = 0; length <= data.length; length += 1) {
      expect(crc32c(data.subarray(0, length))).toBe(crc32cReference(data.subarray(0, length)));
    }
  });
});

describe('the CLI cloud KMS options', () => {
  it('--aws-kms-key with its options becomes an AWS key source with the environment', () => {
    const env = { AWS_ACCESS_KEY_ID: 'a' };
    expect(kmsKeyInputs({ 'aws-kms-key': 'alias/x', 'aws-region': 'us-east-1' }, env)).toEqual({
      awsKms: { keyId: 'alias/x', region: 'us-east-1', env },
    });
  });

  it('--gcp-access-token-env reads the token from that variable, never argv', () => {
    const env = { MY_TOKEN: 'ya29.x' };
    expect(
      kmsKeyInputs({ 'gcp-kms-key-version': 'v', 'gcp-access-token-env': 'MY_TOKEN' }, env),
    ).toEqual({ googleKms: { keyVersion: 'v', env, accessToken: 'ya29.x' } });
  });

  it.each([
    [{ 'aws-region': 'eu-west-1' }, '--aws-region need --aws-kms-key.'],
    [{ 'gcp-service-account': 'a@b' }, '--gcp-service-account need --gcp-kms-key-version.'],
    [
      { 'gcp-kms-key-version': 'v', 'gcp-access-token-env': 'UNSET' },
      'The Google access token variable UNSET is not set',
    ],
  ])('refuses %j with NUPKG003', (values, message) => {
    expect(() => kmsKeyInputs(values, {})).toThrow(
      expect.objectContaining({
        code: 'NUPKG003',
        message: expect.stringContaining(message) as string,
      }) as Error,
    );
  });
});
