import { LIMITS } from '../../../src/limits.js';
import { openPackageArchive } from '../../../src/package/archive.js';
import { readSignatureEntry } from '../../../src/package/signature-entry.js';
import {
  certificateViewCost,
  clearParsedCertificates,
  parseCertificate,
  parsedCertificateStats,
} from '../../../src/signature/certificate.js';
import { parsePrimarySignature } from '../../../src/signature/primary-signature.js';
import { makeSignedPackage, signingPki, type SigningPki } from '../../helpers/signed-package.js';
import { useTempDir } from '../../helpers/temp-files.js';
import { createRoot, type TestCert } from '../trust/chain-pki.js';

/** The per-run cache of parsed certificates (signature/certificate.ts). */
describe('parsed certificate cache', () => {
  const temp = useTempDir();
  let root: TestCert;
  let pki: SigningPki;

  beforeAll(async () => {
    root = await createRoot({ subject: 'CN=Cache Root' });
    pki = await signingPki();
  });

  async function signatureOf(id: string): Promise<Uint8Array> {
    const archive = await openPackageArchive(
      await makeSignedPackage({ directory: temp.path(''), id, pki }),
    );
    try {
      return (await readSignatureEntry(archive)).bytes;
    } finally {
      await archive.file.close();
    }
  }

  it('parses a certificate once, whatever buffer its bytes come in', () => {
    clearParsedCertificates();
    const first = parseCertificate(root.der);
    expect(parseCertificate(Uint8Array.from(root.der))).toBe(first);
    expect(parsedCertificateStats()).toEqual({ entries: 1, bytes: certificateViewCost(first) });
  });

  it('keeps its own copy of the DER, never the caller buffer', () => {
    clearParsedCertificates();
    const input = Uint8Array.from(root.der);
    const view = parseCertificate(input);
    input.fill(0);
    expect(Buffer.from(view.der).equals(Buffer.from(root.der))).toBe(true);
    expect(view.der.buffer.byteLength).toBe(root.der.length);
  });

  it('does not keep a certificate that fails to parse', () => {
    clearParsedCertificates();
    expect(() => parseCertificate(root.der.subarray(0, 40))).toThrow();
    expect(parsedCertificateStats().entries).toBe(0);
  });

  it('is bounded by the limits table', () => {
    expect(LIMITS.maxCachedCertificates).toBeGreaterThan(0);
    expect(LIMITS.maxCachedCertificateBytes).toBeGreaterThan(0);
    // Far larger than any real certificate: the cost grows with the DER.
    expect(certificateViewCost(parseCertificate(root.der))).toBeGreaterThan(root.der.length);
  });

  describe('across two packages signed with the same certificate', () => {
    it('shares the certificate and nothing that depends on the package bytes', async () => {
      clearParsedCertificates();
      const one = parsePrimarySignature(await signatureOf('Cache.One'));
      const two = parsePrimarySignature(await signatureOf('Cache.Two'));

      const signerOne = one.signer.findSignerCertificate(one.certificates);
      const signerTwo = two.signer.findSignerCertificate(two.certificates);
      expect(signerOne).toBeDefined();
      expect(signerTwo).toBe(signerOne);
      // The certificate view holds only the certificate, not the signature it was found in.
      expect(signerOne?.der.buffer.byteLength).toBe(signerOne?.der.length);

      // Each package keeps its own signature, signed attributes and content.
      expect(Buffer.from(two.der).equals(Buffer.from(one.der))).toBe(false);
      expect(Buffer.from(two.content ?? []).equals(Buffer.from(one.content ?? []))).toBe(false);
      expect(
        Buffer.from(two.signer.signatureValue).equals(Buffer.from(one.signer.signatureValue)),
      ).toBe(false);
      expect(two.signer).not.toBe(one.signer);
      expect(two.timestamps[0]).not.toBe(one.timestamps[0]);
    });
  });
});
