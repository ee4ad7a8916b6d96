import { parseCertificate, type CertificateView } from '../../../src/signature/certificate.js';
import { checkCertificateRequirements } from '../../../src/certificate-rules/certificate-requirements.js';
import { signingPki, type SigningCertificateDefect } from '../../helpers/signed-package.js';

const NOW = new Date('2025-06-01T00:00:00Z');

async function leaf(defect?: SigningCertificateDefect): Promise<CertificateView> {
  return parseCertificate((await (await signingPki()).signingCertificate(defect)).leaf.certificate);
}

const codes = (certificate: CertificateView, role: 'signing' | 'timestamping', now = NOW) =>
  checkCertificateRequirements(certificate, role, now).map((p) => p.code);

describe('#checkCertificateRequirements', () => {
  describe('for a signing certificate', () => {
    it('accepts an RSA-2048 certificate signed with SHA-256 and valid now', async () => {
      expect(codes(await leaf(), 'signing')).toEqual([]);
    });

    it('reports NU3013 for a certificate signed with SHA-1', async () => {
      const [problem] = checkCertificateRequirements(await leaf('sha1-signed'), 'signing', NOW);
      expect(problem?.code).toBe('NU3013');
      expect(problem?.message).toMatch(
        /^The signing certificate '.*' \(SHA-256 [0-9A-F]{64}, .*\) is signed with an unsupported algorithm \(1\.2\.840\.113549\.1\.1\.5\)/,
      );
    });

    it('reports NU3014 naming the size for a 1024-bit RSA key', async () => {
      const [problem] = checkCertificateRequirements(await leaf('rsa-1024'), 'signing', NOW);
      expect(problem?.code).toBe('NU3014');
      expect(problem?.message).toContain(
        'has a 1024-bit RSA key; NuGet requires RSA with at least 2048 bits.',
      );
    });

    it('reports NU3014 for an ECDSA key', async () => {
      const [problem] = checkCertificateRequirements(await leaf('ecdsa'), 'signing', NOW);
      expect(problem?.code).toBe('NU3014');
      expect(problem?.message).toContain('does not have an RSA key');
    });

    it('reports NU3015 for the lifetime signing EKU', async () => {
      expect(codes(await leaf('lifetime-eku'), 'signing')).toEqual(['NU3015']);
    });

    it('reports NU3017 for a certificate not yet valid at the verification time', async () => {
      expect(codes(await leaf('not-yet-valid'), 'signing')).toEqual(['NU3017']);
    });

    it('does not judge expiry (the validity period check does)', async () => {
      expect(codes(await leaf('expired'), 'signing')).toEqual([]);
    });
  });

  describe('for a timestamping certificate', () => {
    it('accepts the good TSA certificate', async () => {
      expect(codes(parseCertificate((await signingPki()).tsa.certificate), 'timestamping')).toEqual(
        [],
      );
    });

    it('reports NU3023 for a 1024-bit RSA key', async () => {
      const tsa = await (await signingPki()).timestampCertificate('rsa-1024');
      expect(codes(parseCertificate(tsa.certificate), 'timestamping')).toEqual(['NU3023']);
    });

    it('reports NU3022 for a certificate signed with SHA-1', async () => {
      const pki = await signingPki();
      const tsa = await pki.tsaRoot.issueTsa({ keyPair: pki.tsa.keyPair, signatureHash: 'SHA-1' });
      expect(codes(parseCertificate(tsa.certificate), 'timestamping')).toEqual(['NU3022']);
    });

    it('reports NU3025 for a certificate not yet valid, and never NU3015', async () => {
      const tsa = parseCertificate((await signingPki()).tsa.certificate);
      expect(codes(tsa, 'timestamping', new Date('2019-01-01T00:00:00Z'))).toEqual(['NU3025']);
    });
  });
});
