import { X509Certificate, createHash } from 'node:crypto';
import { parseCertificate, toPem } from '../../../src/signature/certificate.js';
import { OID } from '../../../src/asn1/oids.js';
import { createCertificate, encode, integer, sequence } from './helpers/cms.js';
import { codeOf } from '../../helpers/codes.js';

describe('#parseCertificate', () => {
  describe('when the certificate has SKI, EKU and basic constraints', () => {
    let der: Uint8Array;
    let subject: ReturnType<typeof parseCertificate>;

    beforeAll(async () => {
      der = await createCertificate({
        subject: [
          ['2.5.4.6', 'US'],
          ['2.5.4.8', 'Washington'],
          ['2.5.4.10', 'Contoso'],
          ['2.5.4.3', 'Contoso Signer'],
        ],
        issuer: [['2.5.4.3', 'Contoso CA']],
        serialNumber: Uint8Array.of(0x00, 0x9a, 0x01),
        subjectKeyIdentifier: Uint8Array.of(0xaa, 0xbb),
        extendedKeyUsage: { oids: [OID.codeSigning, OID.lifetimeSigning], critical: true },
        basicConstraints: { ca: true, pathLength: 1 },
        notBefore: new Date('2021-02-03T04:05:06Z'),
        notAfter: new Date('2051-02-03T04:05:06Z'),
      });
      subject = parseCertificate(der);
    });

    it('keeps the DER and its SHA-256 fingerprint', () => {
      expect(subject.der).toEqual(der);
      expect(subject.fingerprintSha256).toBe(
        createHash('sha256').update(der).digest('hex').toUpperCase(),
      );
    });

    it('formats the names most specific first, like .NET', () => {
      expect(subject.subject).toBe('CN=Contoso Signer, O=Contoso, S=Washington, C=US');
      expect(subject.issuer).toBe('CN=Contoso CA');
      expect(subject.commonName).toBe('Contoso Signer');
      expect(subject.isSelfIssued).toBe(false);
    });

    it('keeps the serial number octets exactly as encoded', () => {
      expect(subject.serialNumber).toEqual(Uint8Array.of(0x00, 0x9a, 0x01));
    });

    it('reads validity across the UTCTime/GeneralizedTime boundary', () => {
      expect(subject.notBefore.toISOString()).toBe('2021-02-03T04:05:06.000Z');
      expect(subject.notAfter.toISOString()).toBe('2051-02-03T04:05:06.000Z');
    });

    it('reads the algorithms and the RSA key size', () => {
      expect(subject.signatureAlgorithmOid).toBe(OID.sha256WithRSAEncryption);
      expect(subject.publicKey).toEqual({ algorithmOid: OID.rsaEncryption, rsaModulusBits: 2048 });
    });

    it('reads the extensions', () => {
      expect(subject.extendedKeyUsage).toEqual({
        oids: [OID.codeSigning, OID.lifetimeSigning],
        critical: true,
      });
      expect(subject.subjectKeyIdentifier).toEqual(Uint8Array.of(0xaa, 0xbb));
      expect(subject.basicConstraints).toEqual({ ca: true, pathLength: 1 });
      expect(subject.extensions.map((e) => e.oid)).toEqual([
        OID.subjectKeyIdentifier,
        OID.extKeyUsage,
        OID.basicConstraints,
      ]);
    });

    it('keeps the pieces needed to verify it', () => {
      const node = new X509Certificate(der);
      expect(node.verify(node.publicKey)).toBe(true);
      expect(subject.subjectPublicKeyInfoDer).toEqual(
        new Uint8Array(node.publicKey.export({ type: 'spki', format: 'der' })),
      );
      expect(subject.signatureValue).toHaveLength(256);
    });
  });

  describe('when the certificate has no extensions', () => {
    it('has no EKU, SKI, AKI or basic constraints and is self-issued', async () => {
      const subject = parseCertificate(await createCertificate());
      expect(subject.extendedKeyUsage).toBeUndefined();
      expect(subject.subjectKeyIdentifier).toBeUndefined();
      expect(subject.authorityKeyIdentifier).toBeUndefined();
      expect(subject.basicConstraints).toBeUndefined();
      expect(subject.isSelfIssued).toBe(true);
    });
  });

  describe('when the input is not a certificate', () => {
    it.each([
      ['empty input', new Uint8Array()],
      ['a SEQUENCE of an INTEGER', encode(sequence(integer(1)))],
      ['trailing bytes', Uint8Array.of(...encode(sequence()), 0)],
    ])('reports NU3003 for %s', (_label, der) => {
      expect(codeOf(() => parseCertificate(der))).toBe('NU3003');
    });
  });
});

describe('#toPem', () => {
  it('produces PEM that Node reads back to the same certificate', async () => {
    const der = await createCertificate();
    const pem = toPem(der);
    expect(pem.startsWith('-----BEGIN CERTIFICATE-----\n')).toBe(true);
    expect(pem.split('\n').every((line) => line.length <= 64)).toBe(true);
    expect(new Uint8Array(new X509Certificate(pem).raw)).toEqual(der);
  });
});
