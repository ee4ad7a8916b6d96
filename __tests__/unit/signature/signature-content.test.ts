import {
  buildSignatureContent,
  decodeContentHash,
  parseSignatureContent,
} from '../../../src/signature/signature-content.js';
import { codeOf } from '../../helpers/codes.js';

const SHA256_LINE = '2.16.840.1.101.3.4.2.1-Hash:';

describe('#parseSignatureContent', () => {
  describe('when given what the reference signer writes', () => {
    it.each([
      ['sha256', 32, 85],
      ['sha384', 48, 105],
      ['sha512', 64, 129],
    ] as const)('reads back %s with the exact length', (algorithm, hashLength, totalLength) => {
      const hash = Buffer.alloc(hashLength, 7);
      const subject = buildSignatureContent(algorithm, hash);
      expect(subject.length).toBe(totalLength);
      const parsed = parseSignatureContent(subject);
      expect(parsed.hashAlgorithm).toBe(algorithm);
      expect(decodeContentHash(parsed)).toEqual(hash);
    });
  });

  describe('when line breaks are CRLF or CR', () => {
    it('parses the same', () => {
      const text = `Version:1\r\n\r\n${SHA256_LINE}${Buffer.alloc(32).toString('base64')}\r\n\r\n`;
      expect(parseSignatureContent(Buffer.from(text)).hashAlgorithm).toBe('sha256');
      expect(parseSignatureContent(Buffer.from(text.replace(/\r\n/g, '\r'))).hashAlgorithm).toBe(
        'sha256',
      );
    });
  });

  describe('when the content is malformed', () => {
    it.each([
      ['version 2', 'NU3007', `Version:2\n\n${SHA256_LINE}AAAA\n\n`],
      ['no version', 'NU3000', `Other:1\n\n${SHA256_LINE}AAAA\n\n`],
      ['missing final empty line', 'NU3000', `Version:1\n\n${SHA256_LINE}AAAA\n`],
      ['SHA-1 hash line only', 'NU3000', `Version:1\n\n1.3.14.3.2.26-Hash:AAAA\n\n`],
      ['empty second section', 'NU3000', `Version:1\n\n\n${SHA256_LINE}AAAA\n\n`],
      ['duplicate key', 'NU3000', `Version:1\nVersion:1\n\n${SHA256_LINE}AAAA\n\n`],
      ['a BOM before the first key', 'NU3000', `\uFEFFVersion:1\n\n${SHA256_LINE}AAAA\n\n`],
      ['plain text', 'NU3000', 'hello world'],
    ])('with %s, reports %s', (_name, code, text) => {
      expect(codeOf(() => parseSignatureContent(Buffer.from(text)))).toBe(code);
    });
  });

  describe('when the hash value is not base64', () => {
    it('parses, and decoding yields undefined (an integrity failure)', () => {
      const parsed = parseSignatureContent(Buffer.from(`Version:1\n\n${SHA256_LINE}***\n\n`));
      expect(decodeContentHash(parsed)).toBeUndefined();
    });
  });
});
