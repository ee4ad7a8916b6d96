import {
  decodeSignedData,
  decodeSignerInfo,
  encodeSignedData,
  encodeSignerInfo,
} from '../../../src/sign/cms-parts.js';
import { encodeTlv, setOf } from '../../../src/asn1/encode.js';
import { readSingle, readTlv } from '../../../src/asn1/der-reader.js';
import { buildPrimarySignature } from '../../../src/sign/signature-builder.js';
import { SAMPLE_CONTENT, SIGNING_TIME, createSigningPki, hex } from './sign-fixtures.js';

describe('#decodeSignedData and #encodeSignedData', () => {
  describe('when a signature is split and put back together unchanged', () => {
    it('reproduces every byte', async () => {
      const pki = await createSigningPki();
      const built = await buildPrimarySignature({
        content: SAMPLE_CONTENT,
        signer: pki.signer,
        hashAlgorithm: 'sha256',
        signingTime: SIGNING_TIME,
        kind: 'author',
      });
      const parts = decodeSignedData(built.der);
      expect(parts.certificates).toHaveLength(2);
      expect(parts.signerInfos).toHaveLength(1);
      const signerInfo = decodeSignerInfo(parts.signerInfos[0] as Uint8Array);
      expect(signerInfo.unsignedAttrs).toBeUndefined();
      expect(hex(encodeSignerInfo(signerInfo))).toBe(hex(parts.signerInfos[0] as Uint8Array));
      expect(hex(encodeSignedData(parts))).toBe(hex(built.der));
    });
  });

  describe('when the ContentInfo is not signed data', () => {
    it('refuses with NU3003', () => {
      // ContentInfo { id-data, [0] OCTET STRING {} }
      const data = Buffer.from('300f06092a864886f70d010701a0020400', 'hex');
      expect(() => decodeSignedData(data)).toThrow(expect.objectContaining({ code: 'NU3003' }));
    });
  });
});

describe('DER helpers', () => {
  it.each([
    [5, '0405'],
    [200, '0481c8'],
    [300, '0482012c'],
  ])('encodes a %i-byte content with the minimal length form', (length, header) => {
    const subject = encodeTlv(0x04, new Uint8Array(length));
    expect(hex(subject.subarray(0, header.length / 2))).toBe(header);
    expect(readSingle(subject).content).toHaveLength(length);
  });

  it('refuses indefinite lengths and trailing data', () => {
    expect(() => readTlv(Buffer.from('3080000000', 'hex'))).toThrow(/indefinite/);
    expect(() => readSingle(Buffer.from('05000500', 'hex'))).toThrow(/trailing/);
    expect(() => readTlv(Buffer.from('0405aa', 'hex'))).toThrow(/past the end/);
  });

  it('orders SET OF elements by encoding, shorter-is-padded', () => {
    const subject = setOf([
      Buffer.from('0401ff', 'hex'),
      Buffer.from('0400', 'hex'),
      Buffer.from('0201ff', 'hex'),
    ]);
    expect(hex(subject)).toBe('31080201ff04000401ff');
  });
});
