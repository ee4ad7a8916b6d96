import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  decryptBlock,
  encryptBlock,
  expandKey,
  rc2CbcDecrypt,
} from '../../../../src/sign/key-material/rc2.js';

/** RFC 2268 §5 test vectors: key, effective key bits, plaintext, ciphertext. */
const VECTORS: [string, number, string, string][] = [
  ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
  ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
  ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
  ['88', 64, '0000000000000000', '61a8a244adacccf0'],
  ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
  ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
  ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
  [
    '88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e',
    129,
    '0000000000000000',
    '5b78d3a43dfff1f1',
  ],
];

function openSslRc2Available(): boolean {
  try {
    execFileSync(
      'openssl',
      [
        'enc',
        '-rc2-40-cbc',
        '-provider',
        'legacy',
        '-provider',
        'default',
        '-K',
        '0011223344',
        '-iv',
        '0000000000000000',
      ],
      { input: 'x', stdio: 'pipe' },
    );
    return true;
  } catch {
    return false;
  }
}

describe('RC2', () => {
  describe('with the RFC 2268 test vectors', () => {
    it.each(VECTORS)(
      'key %s with %i effective bits encrypts and decrypts',
      (key, bits, plain, cipher) => {
        const k = expandKey(Buffer.from(key, 'hex'), bits);
        const out = Buffer.alloc(8);
        encryptBlock(k, Buffer.from(plain, 'hex'), out);
        expect(out.toString('hex')).toBe(cipher);
        decryptBlock(k, Buffer.from(cipher, 'hex'), out);
        expect(out.toString('hex')).toBe(plain);
      },
    );
  });

  describe('#rc2CbcDecrypt', () => {
    const runWithOpenSsl = openSslRc2Available() ? it : it.skip;

    runWithOpenSsl.each([
      ['rc2-40-cbc', 5, 40],
      ['rc2-64-cbc', 8, 64],
      ['rc2-cbc', 16, 128],
    ])('decrypts what openssl %s encrypts', (cipher, keyLength, bits) => {
      const key = randomBytes(keyLength);
      const iv = randomBytes(8);
      const plain = randomBytes(37);
      const encrypted = execFileSync(
        'openssl',
        [
          'enc',
          `-${cipher}`,
          '-provider',
          'legacy',
          '-provider',
          'default',
          '-K',
          key.toString('hex'),
          '-iv',
          iv.toString('hex'),
        ],
        { input: plain },
      );
      expect(rc2CbcDecrypt(key, bits, iv, encrypted)).toEqual(plain);
    });

    it('returns undefined for data that is not a whole number of blocks or badly padded', () => {
      const key = Buffer.from('0011223344', 'hex');
      expect(rc2CbcDecrypt(key, 40, Buffer.alloc(8), Buffer.alloc(7))).toBeUndefined();
      const k = expandKey(key, 40);
      const block = Buffer.alloc(8);
      encryptBlock(k, Buffer.from('0102030405060700', 'hex'), block); // last byte 0: bad padding
      expect(rc2CbcDecrypt(key, 40, Buffer.alloc(8), block)).toBeUndefined();
    });
  });
});
