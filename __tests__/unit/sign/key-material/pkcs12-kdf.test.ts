import { pkcs12Kdf, pkcs12Password } from '../../../../src/sign/key-material/pkcs12-kdf.js';

/**
 * Outputs of `openssl kdf -kdfopt digest:<hash> -kdfopt hexpass:<BMPString of password>
 * -kdfopt hexsalt:<salt> -kdfopt iter:<n> -kdfopt id:<purpose> -keylen <len> PKCS12KDF`
 * (OpenSSL 3.0.19), an independent implementation of RFC 7292 Appendix B. The first five are also
 * the classic BouncyCastle PKCS#12 KDF test values.
 */
const OPENSSL_VECTORS: [string, string, string, number, number, string][] = [
  ['sha1', 'smeg', '0A58CF64530D823F', 1, 1, '8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3'],
  ['sha1', 'smeg', '0A58CF64530D823F', 1, 2, '79993DFE048D3B76'],
  ['sha1', 'smeg', '3D83C0E4546AC140', 1, 3, '8D967D88F6CAA9D714800AB3D48051D63F73A312'],
  [
    'sha1',
    'queeg',
    '05DEC959ACFF72F7',
    1000,
    1,
    'ED2034E36328830FF09DF1E1A07DD357185DAC0D4F9EB3D4',
  ],
  ['sha1', 'queeg', '05DEC959ACFF72F7', 1000, 2, '11DEDAD7758D4860'],
  ['sha1', 'queeg', '1682C0FC5B3F7EC5', 1000, 3, '022DB40D747DA404972B3144296BA4B80A96B1F3'],
  [
    'sha512',
    'pässwörd',
    '0102030405060708',
    2048,
    3,
    '4910EB8BA7EDC04B48ACD2BACA1459EB17D8C7D176DDE1688958A4A389A39E7B29B00BB734655A9B8F61ABA671C84F17',
  ],
  [
    'sha256',
    'secret',
    '00112233445566778899aabbccddeeff0011',
    3,
    1,
    '4277B8E8AB4CC6664F0ECBFBB691AEAAE006B5178EAA67FE1D4E8588FBF4A19409ACB47BB236E4D7',
  ],
];

describe('#pkcs12Kdf', () => {
  describe('compared with OpenSSL', () => {
    it.each(OPENSSL_VECTORS)(
      '%s, password %s, salt %s, %i iterations, purpose %i',
      (hash, password, salt, iterations, purpose, expected) => {
        const subject = pkcs12Kdf(
          hash as 'sha1' | 'sha256' | 'sha512',
          pkcs12Password(password),
          Buffer.from(salt, 'hex'),
          iterations,
          purpose,
          expected.length / 2,
        );
        expect(subject.toString('hex').toUpperCase()).toBe(expected);
      },
    );
  });
});

describe('#pkcs12Password', () => {
  it('encodes big-endian UTF-16 with a two-byte terminator', () => {
    expect(pkcs12Password('ab').toString('hex')).toBe('006100620000');
    expect(pkcs12Password('').toString('hex')).toBe('0000');
  });
});
