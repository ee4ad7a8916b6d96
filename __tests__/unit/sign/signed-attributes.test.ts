import { createHash } from 'node:crypto';
import { encodeAttribute } from '../../../src/sign/attribute.js';
import {
  commitmentTypeIndicationAttribute,
  contentTypeAttribute,
  encodeTime,
  messageDigestAttribute,
  packageOwnersAttribute,
  serviceIndexUrlAttribute,
  signingCertificateV1Attribute,
  signingCertificateV2Attribute,
  signingTimeAttribute,
  sortSignedAttributes,
} from '../../../src/sign/signed-attributes.js';
import {
  readSignerCertificate,
  type SignerCertificate,
} from '../../../src/sign/signer-certificate.js';
import { OID } from '../../../src/asn1/oids.js';
import { createSigningPki, hex } from './sign-fixtures.js';

/** Joins hex fragments written with spaces for readability. */
const h = (...parts: string[]) => parts.join('').replace(/\s+/g, '');
const ascii = (text: string) => Buffer.from(text, 'ascii').toString('hex');

// Name ::= SEQUENCE { SET { CN=Sign Test Root }, SET { O=nupkg-signing tests } }, PrintableStrings.
const ROOT_NAME = h(
  '30 37',
  '31 17 30 15 06 03 55 04 03 13 0e',
  ascii('Sign Test Root'),
  '31 1c 30 1a 06 03 55 04 0a 13 13',
  ascii('nupkg-signing tests'),
);

describe('#signingTimeAttribute', () => {
  describe('when the time is inside 1950-2049', () => {
    it('writes a UTCTime in whole UTC seconds', () => {
      const subject = encodeAttribute(signingTimeAttribute(new Date('2024-03-05T06:07:08.901Z')));
      expect(hex(subject)).toBe(
        h('30 1c 06 09 2a 86 48 86 f7 0d 01 09 05 31 0f 17 0d', ascii('240305060708Z')),
      );
    });

    it('writes 1950-01-01 as a UTCTime with year 50', () => {
      expect(hex(encodeTime(new Date('1950-01-01T00:00:00Z')))).toBe(
        h('17 0d', ascii('500101000000Z')),
      );
    });
  });

  describe('when the time is outside 1950-2049', () => {
    it.each([
      ['2050-01-01T00:00:00Z', '20500101000000Z'],
      ['1949-12-31T23:59:59.999Z', '19491231235959Z'],
    ])('writes %s as the GeneralizedTime %s', (iso, text) => {
      expect(hex(encodeTime(new Date(iso)))).toBe(h('18 0f', ascii(text)));
    });
  });

  describe('when the date is invalid', () => {
    it('throws a RangeError', () => {
      expect(() => encodeTime(new Date(Number.NaN))).toThrow(RangeError);
    });
  });
});

describe('#commitmentTypeIndicationAttribute', () => {
  it('writes proofOfOrigin as one SEQUENCE { OID } value without qualifiers', () => {
    const subject = encodeAttribute(commitmentTypeIndicationAttribute(OID.proofOfOrigin));
    expect(hex(subject)).toBe(
      h(
        '30 1e 06 0b 2a 86 48 86 f7 0d 01 09 10 02 10',
        '31 0f 30 0d 06 0b 2a 86 48 86 f7 0d 01 09 10 06 01',
      ),
    );
  });

  it('writes proofOfReceipt with the last arc 2', () => {
    const subject = encodeAttribute(commitmentTypeIndicationAttribute(OID.proofOfReceipt));
    expect(hex(subject).endsWith(h('30 0d 06 0b 2a 86 48 86 f7 0d 01 09 10 06 02'))).toBe(true);
  });
});

describe('#contentTypeAttribute and #messageDigestAttribute', () => {
  it('writes content-type id-data', () => {
    expect(hex(encodeAttribute(contentTypeAttribute()))).toBe(
      h('30 18 06 09 2a 86 48 86 f7 0d 01 09 03 31 0b 06 09 2a 86 48 86 f7 0d 01 07 01'),
    );
  });

  it('writes the digest as an OCTET STRING', () => {
    const digest = Buffer.alloc(32, 0xab);
    expect(hex(encodeAttribute(messageDigestAttribute(digest)))).toBe(
      h('30 2f 06 09 2a 86 48 86 f7 0d 01 09 04 31 22 04 20', hex(digest)),
    );
  });
});

describe('signing certificate attributes', () => {
  let certificate: SignerCertificate;
  let certDer: Uint8Array;
  beforeAll(async () => {
    const pki = await createSigningPki({ serialNumber: '7f01' });
    certDer = pki.leaf.certificate;
    certificate = readSignerCertificate(certDer);
  });

  describe('#signingCertificateV2Attribute', () => {
    it('writes hashAlgorithm for SHA-256, the cert hash, and issuer as [4] with the serial', () => {
      const certHash = createHash('sha256').update(certDer).digest('hex');
      const subject = encodeAttribute(signingCertificateV2Attribute(certificate, 'sha256'));
      expect(hex(subject)).toBe(
        h(
          '30 81 87 06 0b 2a 86 48 86 f7 0d 01 09 10 02 2f', // Attribute, signingCertificateV2
          '31 78 30 76 30 74 30 72', // SET, SigningCertificateV2, certs, ESSCertIDv2
          '30 0b 06 09 60 86 48 01 65 03 04 02 01', // hashAlgorithm sha256, no parameters
          '04 20',
          certHash,
          '30 41 30 3b a4 39', // IssuerSerial, GeneralNames, [4] directoryName
          ROOT_NAME,
          '02 02 7f 01', // serialNumber
        ),
      );
    });

    it('names SHA-512 and hashes with it when asked', () => {
      const subject = hex(encodeAttribute(signingCertificateV2Attribute(certificate, 'sha512')));
      expect(subject).toContain(h('30 0b 06 09 60 86 48 01 65 03 04 02 03 04 40'));
      expect(subject).toContain(createHash('sha512').update(certDer).digest('hex'));
    });

    it('uses the defect hash and drops issuerSerial when told to', () => {
      const subject = hex(
        encodeAttribute(
          signingCertificateV2Attribute(certificate, 'sha256', {
            certHash: Buffer.alloc(32),
            omitIssuerSerial: true,
          }),
        ),
      );
      expect(
        subject.endsWith(h('30 2f 30 0b 06 09 60 86 48 01 65 03 04 02 01 04 20', '00'.repeat(32))),
      ).toBe(true);
    });
  });

  describe('#signingCertificateV1Attribute', () => {
    it('writes a SHA-1 ESSCertID with the same issuerSerial', () => {
      const sha1 = createHash('sha1').update(certDer).digest('hex');
      const subject = hex(encodeAttribute(signingCertificateV1Attribute(certificate)));
      expect(subject).toContain(h('06 0b 2a 86 48 86 f7 0d 01 09 10 02 0c'));
      expect(
        subject.endsWith(h('04 14', sha1, '30 41 30 3b a4 39', ROOT_NAME, '02 02 7f 01')),
      ).toBe(true);
    });
  });
});

describe('#serviceIndexUrlAttribute', () => {
  it('writes the URL exactly as an IA5String', () => {
    const url = 'https://x.test/v3/index.json';
    expect(hex(encodeAttribute(serviceIndexUrlAttribute(url)))).toBe(
      h('30 2e 06 0c 2b 06 01 04 01 82 37 54 02 01 01 01 31 1e 16 1c', ascii(url)),
    );
  });

  it.each(['http://x.test/index.json', 'index.json', 'https://bücher.test/index.json'])(
    'refuses %s',
    (url) => {
      expect(() => serviceIndexUrlAttribute(url)).toThrow(/absolute https URL/);
    },
  );
});

describe('#packageOwnersAttribute', () => {
  it('writes a SEQUENCE OF UTF8String in the given order', () => {
    expect(hex(encodeAttribute(packageOwnersAttribute(['alice', 'bob'])))).toBe(
      h(
        '30 1e 06 0c 2b 06 01 04 01 82 37 54 02 01 01 02 31 0e 30 0c',
        '0c 05',
        ascii('alice'),
        '0c 03',
        ascii('bob'),
      ),
    );
  });

  it.each([[[]], [['alice', ' ']]])('refuses %j', (owners) => {
    expect(() => packageOwnersAttribute(owners)).toThrow(/non-blank/);
  });
});

describe('#sortSignedAttributes', () => {
  it('orders attributes by their encodings and returns the 0x31 SET that is signed', () => {
    const time = signingTimeAttribute(new Date('2024-03-05T06:07:08Z'));
    const commitment = commitmentTypeIndicationAttribute(OID.proofOfOrigin);
    const contentType = contentTypeAttribute();
    const subject = sortSignedAttributes([commitment, time, contentType]);
    expect(subject.attributes).toEqual([contentType, time, commitment]);
    const expected = [contentType, time, commitment].map((a) => hex(encodeAttribute(a)));
    expect(subject.encoded.map(hex)).toEqual(expected);
    const content = expected.join('');
    expect(hex(subject.der)).toBe(`31${(content.length / 2).toString(16)}${content}`);
  });

  it('sorts attributes of equal length by content', () => {
    const origin = commitmentTypeIndicationAttribute(OID.proofOfOrigin);
    const receipt = commitmentTypeIndicationAttribute(OID.proofOfReceipt);
    expect(sortSignedAttributes([receipt, origin]).attributes).toEqual([origin, receipt]);
  });
});
