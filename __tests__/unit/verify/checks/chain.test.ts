import { parseCertificate } from '../../../../src/signature/certificate.js';
import { TrustStore } from '../../../../src/trust/trust-store.js';
import { checkChain } from '../../../../src/verify/checks/chain.js';
import { signingPki, type SigningPki } from '../../../helpers/signed-package.js';

const NOW = new Date('2025-06-01T00:00:00Z');
let pki: SigningPki;

beforeAll(async () => {
  pki = await signingPki();
});

const views = (ders: readonly Uint8Array[]) => ders.map((der) => parseCertificate(der));
const codes = (result: ReturnType<typeof checkChain>) => result.findings.map((f) => f.code);

describe('#checkChain', () => {
  describe('for signing', () => {
    const options = () => ({
      roots: pki.trust.codeSigning,
      purpose: 'signing' as const,
      verificationTime: NOW,
    });

    it('with the intermediate embedded and the root trusted, finds nothing and returns the chain leaf first', () => {
      const result = checkChain(
        parseCertificate(pki.leaf.certificate),
        views([pki.intermediate.certificate]),
        options(),
      );
      expect(result.findings).toEqual([]);
      expect(result.chain.map((der) => Buffer.from(der))).toEqual(
        [pki.leaf, pki.intermediate, pki.root].map((c) => Buffer.from(c.certificate)),
      );
    });

    it('without the intermediate, reports NU3012 PartialChain saying an issuer is missing', () => {
      const result = checkChain(parseCertificate(pki.leaf.certificate), [], options());
      expect(codes(result)).toEqual(['NU3012']);
      expect(result.findings[0]?.message).toMatch(
        /failed chain validation for code signing: .*PartialChain.* \(an issuing certificate is missing from the signature\)\.$/,
      );
    });

    it('for a leaf without the code signing EKU, reports NU3012 NotValidForUsage', async () => {
      const { leaf, chain } = await pki.signingCertificate('no-code-signing-eku');
      const result = checkChain(parseCertificate(leaf.certificate), views(chain), options());
      expect(codes(result)).toEqual(['NU3012']);
      expect(result.findings[0]?.message).toContain('NotValidForUsage (');
    });

    it('under an untrusted root, reports NU3018 (untrusted root) and NU3042 naming the root', async () => {
      const { leaf, chain } = await pki.signingCertificate('untrusted-root');
      const result = checkChain(parseCertificate(leaf.certificate), views(chain), options());
      expect(codes(result)).toEqual(['NU3018', 'NU3042']);
      expect(result.findings[0]?.untrustedRoot).toBe(true);
      expect(result.findings[0]?.message).toContain('Trust it with --trusted-roots');
      expect(result.findings[1]?.message).toContain(
        `(SHA-256 ${pki.untrustedRoot.fingerprintSha256}) is not in the trusted code signing root bundle.`,
      );
    });

    it('under an untrusted root with nuget.org rules, advises a public CA instead of trusting it', async () => {
      const { leaf, chain } = await pki.signingCertificate('untrusted-root');
      const result = checkChain(parseCertificate(leaf.certificate), views(chain), {
        ...options(),
        nugetOrg: true,
      });
      expect(codes(result)).toEqual(['NU3018', 'NU3042']);
      expect(result.findings[0]?.message).toContain('nuget.org accepts only certificates');
      expect(result.findings[0]?.message).not.toContain('--trusted-roots');
    });

    it('ignores expiry: an expired leaf chains without findings', async () => {
      const { leaf, chain } = await pki.signingCertificate('expired');
      expect(
        codes(checkChain(parseCertificate(leaf.certificate), views(chain), options())),
      ).toEqual([]);
    });
  });

  describe('for timestamping', () => {
    it('with the TSA root trusted, finds nothing', () => {
      const result = checkChain(parseCertificate(pki.tsa.certificate), [], {
        roots: pki.trust.timestamping,
        purpose: 'timestamping',
        verificationTime: NOW,
      });
      expect(result.findings).toEqual([]);
    });

    it('with the TSA root not trusted, reports NU3028 and NU3042', () => {
      const result = checkChain(
        parseCertificate(pki.tsa.certificate),
        views([pki.tsaRoot.certificate]),
        { roots: TrustStore.empty(), purpose: 'timestamping', verificationTime: NOW },
      );
      expect(codes(result)).toEqual(['NU3028', 'NU3042']);
      expect(result.findings[1]?.message).toContain('trusted timestamping root bundle');
    });

    it('with a code signing EKU instead of time stamping, reports NU3028 NotValidForUsage', async () => {
      const tsa = await pki.timestampCertificate('no-timestamping-eku');
      const result = checkChain(parseCertificate(tsa.certificate), [], {
        roots: pki.trust.timestamping,
        purpose: 'timestamping',
        verificationTime: NOW,
      });
      expect(codes(result)).toEqual(['NU3028']);
      expect(result.findings[0]?.untrustedRoot).toBeUndefined();
      expect(result.findings[0]?.message).toContain('NotValidForUsage');
    });
  });
});
