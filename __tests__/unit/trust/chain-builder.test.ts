import { buildChain, type BuildChainOptions } from '../../../src/trust/chain-builder.js';
import { TrustStore } from '../../../src/trust/trust-store.js';
import {
  CODE_SIGNING,
  createRoot,
  SERVER_AUTH,
  tamperSignature,
  TIME_STAMPING,
  type TestCert,
} from './chain-pki.js';

const AT = new Date('2030-06-01T00:00:00Z');

describe('#buildChain', () => {
  let root: TestCert;
  let intermediate: TestCert;
  let leaf: TestCert;
  let anchors: TrustStore;

  beforeAll(async () => {
    root = await createRoot({ subject: 'CN=Test Root, O=Tests' });
    intermediate = await root.issue({ ca: true, subject: 'CN=Test Code Signing CA' });
    leaf = await intermediate.issue({ eku: [CODE_SIGNING] });
    anchors = TrustStore.fromCertificates([root.der]);
  });

  function options(overrides: Partial<BuildChainOptions> = {}): BuildChainOptions {
    return {
      anchors,
      intermediates: [intermediate.der],
      applicationPolicy: CODE_SIGNING,
      verificationTime: AT,
      ignoreNotTimeValid: false,
      ...overrides,
    };
  }

  describe('when the chain reaches a trusted root through the CMS intermediate', () => {
    it('returns leaf, intermediate and root, trusted, with no status', () => {
      const subject = buildChain(leaf.der, options());
      expect(subject.chain).toEqual([leaf.der, intermediate.der, root.der]);
      expect(subject.statuses).toEqual([]);
      expect(subject.trusted).toBe(true);
      expect(subject.valid).toBe(true);
    });
  });

  describe('when the chain uses RSA keys', () => {
    it('verifies the RSA signatures and trusts the chain', async () => {
      const rsaRoot = await createRoot({ rsa: true });
      const rsaCa = await rsaRoot.issue({ ca: true, rsa: true });
      const rsaLeaf = await rsaCa.issue({ rsa: true, eku: [CODE_SIGNING] });
      const subject = buildChain(
        rsaLeaf.der,
        options({
          anchors: TrustStore.fromCertificates([rsaRoot.der]),
          intermediates: [rsaCa.der],
        }),
      );
      expect(subject.statuses).toEqual([]);
      expect(subject.chain).toHaveLength(3);
    });
  });

  describe('when the CMS carries the root but the anchor store does not', () => {
    it('reports UntrustedRoot on the root and is not trusted', () => {
      const subject = buildChain(
        leaf.der,
        options({ anchors: TrustStore.empty(), intermediates: [intermediate.der, root.der] }),
      );
      expect(subject.statuses).toEqual(['UntrustedRoot']);
      expect(subject.elementStatuses).toEqual([[], [], ['UntrustedRoot']]);
      expect(subject.trusted).toBe(false);
      expect(subject.chain[2]).toEqual(root.der);
    });
  });

  describe('when the root certificate is only in the CMS and another root is trusted', () => {
    it('still ends at the CMS root and reports UntrustedRoot', async () => {
      const other = await createRoot();
      const subject = buildChain(
        leaf.der,
        options({
          anchors: TrustStore.fromCertificates([other.der]),
          intermediates: [intermediate.der, root.der],
        }),
      );
      expect(subject.chain).toEqual([leaf.der, intermediate.der, root.der]);
      expect(subject.statuses).toEqual(['UntrustedRoot']);
    });
  });

  describe('when the root is neither in the CMS nor in the anchor store', () => {
    it('reports PartialChain after the intermediate', () => {
      const subject = buildChain(leaf.der, options({ anchors: TrustStore.empty() }));
      expect(subject.statuses).toEqual(['PartialChain']);
      expect(subject.chain).toEqual([leaf.der, intermediate.der]);
    });
  });

  describe('when the intermediate is missing', () => {
    it('reports PartialChain and returns the leaf alone', () => {
      const subject = buildChain(leaf.der, options({ intermediates: [] }));
      expect(subject.statuses).toEqual(['PartialChain']);
      expect(subject.chain).toEqual([leaf.der]);
      expect(subject.trusted).toBe(false);
    });
  });

  // Expected values in the EKU and basic-constraints cases were observed with X509Chain
  // (CustomRootTrust, ApplicationPolicy) on .NET 10.0 / Linux.
  describe('when the leaf EKU lacks the application policy', () => {
    it('reports NotValidForUsage on every element, as .NET on Linux does', async () => {
      const tlsLeaf = await intermediate.issue({ eku: [SERVER_AUTH] });
      const subject = buildChain(tlsLeaf.der, options());
      expect(subject.statuses).toEqual(['NotValidForUsage']);
      expect(subject.elementStatuses).toEqual([
        ['NotValidForUsage'],
        ['NotValidForUsage'],
        ['NotValidForUsage'],
      ]);
      expect(subject.trusted).toBe(true);
      expect(subject.valid).toBe(false);
    });
  });

  describe('when a code-signing leaf is checked for time stamping', () => {
    it('reports NotValidForUsage', () => {
      const subject = buildChain(leaf.der, options({ applicationPolicy: TIME_STAMPING }));
      expect(subject.statuses).toEqual(['NotValidForUsage']);
    });
  });

  describe('when the intermediate EKU lacks the policy but the leaf has it', () => {
    it('reports NotValidForUsage (the whole chain is not valid for code signing)', async () => {
      const tlsCa = await root.issue({ ca: true, eku: [SERVER_AUTH] });
      const signingLeaf = await tlsCa.issue({ eku: [CODE_SIGNING] });
      const subject = buildChain(signingLeaf.der, options({ intermediates: [tlsCa.der] }));
      expect(subject.statuses).toEqual(['NotValidForUsage']);
      expect(subject.elementStatuses[1]).toEqual(['NotValidForUsage']);
    });
  });

  describe('when the root EKU lacks the application policy', () => {
    it('reports NotValidForUsage', async () => {
      const tlsRoot = await createRoot({ eku: [SERVER_AUTH] });
      const signingLeaf = await tlsRoot.issue({ eku: [CODE_SIGNING] });
      const subject = buildChain(
        signingLeaf.der,
        options({ anchors: TrustStore.fromCertificates([tlsRoot.der]), intermediates: [] }),
      );
      expect(subject.statuses).toEqual(['NotValidForUsage']);
      expect(subject.trusted).toBe(true);
    });
  });

  describe('when the intermediate EKU lists the policy among others', () => {
    it('accepts the chain', async () => {
      const multiCa = await root.issue({ ca: true, eku: [SERVER_AUTH, CODE_SIGNING] });
      const signingLeaf = await multiCa.issue({ eku: [CODE_SIGNING] });
      const subject = buildChain(signingLeaf.der, options({ intermediates: [multiCa.der] }));
      expect(subject.statuses).toEqual([]);
    });
  });

  describe('when an EKU is anyExtendedKeyUsage without the policy itself', () => {
    it('reports NotValidForUsage for an intermediate, as .NET on Linux does', async () => {
      const anyCa = await root.issue({ ca: true, eku: ['2.5.29.37.0'] });
      const signingLeaf = await anyCa.issue({ eku: [CODE_SIGNING] });
      const subject = buildChain(signingLeaf.der, options({ intermediates: [anyCa.der] }));
      expect(subject.statuses).toEqual(['NotValidForUsage']);
    });

    it('reports NotValidForUsage for the leaf', async () => {
      const anyLeaf = await intermediate.issue({ eku: ['2.5.29.37.0'] });
      expect(buildChain(anyLeaf.der, options()).statuses).toEqual(['NotValidForUsage']);
    });
  });

  describe('when the leaf has no EKU extension', () => {
    it('is valid for code signing and time stamping alike', async () => {
      const anyLeaf = await intermediate.issue({});
      expect(buildChain(anyLeaf.der, options()).statuses).toEqual([]);
      expect(
        buildChain(anyLeaf.der, options({ applicationPolicy: TIME_STAMPING })).statuses,
      ).toEqual([]);
    });
  });

  describe('when a TSA leaf with the time-stamping EKU is checked for time stamping', () => {
    it('is valid', async () => {
      const tsa = await intermediate.issue({ eku: [TIME_STAMPING] });
      const subject = buildChain(tsa.der, options({ applicationPolicy: TIME_STAMPING }));
      expect(subject.valid).toBe(true);
    });
  });

  describe('when the issuing certificate is not a CA', () => {
    it('reports InvalidBasicConstraints on it', async () => {
      const notCa = await root.issue({ bare: true, subject: 'CN=Not A CA' });
      const signingLeaf = await notCa.issue({ eku: [CODE_SIGNING] });
      const subject = buildChain(signingLeaf.der, options({ intermediates: [notCa.der] }));
      expect(subject.statuses).toEqual(['InvalidBasicConstraints']);
      expect(subject.elementStatuses[1]).toEqual(['InvalidBasicConstraints']);
      expect(subject.trusted).toBe(true);
    });
  });

  describe('when the issuing certificate has no basicConstraints but keyUsage keyCertSign', () => {
    it('reports InvalidBasicConstraints on it', async () => {
      const kuOnly = await root.issue({ bare: true, keyCertSignOnly: true });
      const signingLeaf = await kuOnly.issue({ eku: [CODE_SIGNING] });
      const subject = buildChain(signingLeaf.der, options({ intermediates: [kuOnly.der] }));
      expect(subject.elementStatuses).toEqual([[], ['InvalidBasicConstraints'], []]);
    });
  });

  describe('when the issuing CA keyUsage lacks keyCertSign', () => {
    it('still builds through it and reports InvalidBasicConstraints on it', async () => {
      const noCertSign = await root.issue({ ca: true, caKeyUsage: 'digitalSignature' });
      const signingLeaf = await noCertSign.issue({ eku: [CODE_SIGNING] });
      const subject = buildChain(signingLeaf.der, options({ intermediates: [noCertSign.der] }));
      expect(subject.chain).toHaveLength(3);
      expect(subject.elementStatuses).toEqual([[], ['InvalidBasicConstraints'], []]);
    });
  });

  describe('when a pathLenConstraint of 0 is followed by another CA', () => {
    it('reports InvalidBasicConstraints on the constrained CA', async () => {
      const constrained = await root.issue({ ca: true, pathLength: 0 });
      const sub = await constrained.issue({ ca: true });
      const signingLeaf = await sub.issue({ eku: [CODE_SIGNING] });
      const subject = buildChain(
        signingLeaf.der,
        options({ intermediates: [constrained.der, sub.der] }),
      );
      expect(subject.chain).toHaveLength(4);
      expect(subject.elementStatuses).toEqual([[], [], ['InvalidBasicConstraints'], []]);
    });

    it('accepts a leaf directly under the constrained CA', async () => {
      const constrained = await root.issue({ ca: true, pathLength: 0 });
      const signingLeaf = await constrained.issue({ eku: [CODE_SIGNING] });
      const subject = buildChain(signingLeaf.der, options({ intermediates: [constrained.der] }));
      expect(subject.statuses).toEqual([]);
    });
  });

  describe('when the leaf signature was tampered with', () => {
    it('reports NotSignatureValid on the leaf', () => {
      const subject = buildChain(tamperSignature(leaf.der), options());
      expect(subject.statuses).toEqual(['NotSignatureValid']);
      expect(subject.elementStatuses[0]).toEqual(['NotSignatureValid']);
    });
  });

  describe('when the intermediate signature was tampered with', () => {
    it('reports NotSignatureValid on the intermediate', () => {
      const subject = buildChain(
        leaf.der,
        options({ intermediates: [tamperSignature(intermediate.der)] }),
      );
      expect(subject.elementStatuses).toEqual([[], ['NotSignatureValid'], []]);
    });
  });

  describe('when the intermediate has expired at the verification time', () => {
    let expiredCa: TestCert;
    let signingLeaf: TestCert;
    beforeAll(async () => {
      expiredCa = await root.issue({ ca: true, notAfter: new Date('2025-01-01T00:00:00Z') });
      signingLeaf = await expiredCa.issue({ eku: [CODE_SIGNING] });
    });

    it('reports nothing when ignoreNotTimeValid is set (NuGet verify)', () => {
      const subject = buildChain(
        signingLeaf.der,
        options({ intermediates: [expiredCa.der], ignoreNotTimeValid: true }),
      );
      expect(subject.statuses).toEqual([]);
      expect(subject.valid).toBe(true);
    });

    it('reports NotTimeValid on the intermediate otherwise (NuGet sign)', () => {
      const subject = buildChain(signingLeaf.der, options({ intermediates: [expiredCa.der] }));
      expect(subject.elementStatuses).toEqual([[], ['NotTimeValid'], []]);
    });
  });

  describe('when the leaf is not yet valid and time is checked', () => {
    it('reports NotTimeValid on the leaf', async () => {
      const future = await intermediate.issue({
        eku: [CODE_SIGNING],
        notBefore: new Date('2031-01-01T00:00:00Z'),
      });
      const subject = buildChain(future.der, options());
      expect(subject.elementStatuses[0]).toEqual(['NotTimeValid']);
    });
  });

  describe('when two issuers share the intermediate name and only one chains to an anchor', () => {
    // OpenSSL under .NET takes the first fitting issuer the CMS lists (find_issuer), as dotnet
    // nuget verify shows: cross-signed copy first is NU3018, last is valid (the differential
    // suite, verify-dotnet-differential.test.ts, shape certs-cross-signed-first/last).
    it('follows the copy the CMS lists first: the trusted root when the real one comes first, the untrusted root otherwise', async () => {
      const rogueRoot = await createRoot({ subject: 'CN=Rogue Root' });
      // Same subject and key as the real intermediate, issued by an untrusted root.
      const crossSigned = await rogueRoot.issue({
        ca: true,
        subject: intermediate.subject,
        keys: intermediate.keys,
      });
      const trustedFirst = buildChain(
        leaf.der,
        options({ intermediates: [intermediate.der, crossSigned.der, rogueRoot.der] }),
      );
      expect(trustedFirst.chain).toEqual([leaf.der, intermediate.der, root.der]);
      expect(trustedFirst.trusted).toBe(true);
      const rogueFirst = buildChain(
        leaf.der,
        options({ intermediates: [crossSigned.der, rogueRoot.der, intermediate.der] }),
      );
      expect(rogueFirst.chain).toEqual([leaf.der, crossSigned.der, rogueRoot.der]);
      expect(rogueFirst.trusted).toBe(false);
      expect(rogueFirst.statuses).toContain('UntrustedRoot');
    });

    it('uses a copy with a broken signature listed before the good one, and fails (NU3012 in NuGet)', async () => {
      const broken = Uint8Array.from(intermediate.der);
      broken[broken.length - 1] = (broken[broken.length - 1] as number) ^ 0x01;
      const subject = buildChain(leaf.der, options({ intermediates: [broken, intermediate.der] }));
      expect(subject.chain[1]).toEqual(broken);
      expect(subject.statuses).toContain('NotSignatureValid');
      expect(subject.valid).toBe(false);
      const goodFirst = buildChain(
        leaf.der,
        options({ intermediates: [intermediate.der, broken] }),
      );
      expect(goodFirst.valid).toBe(true);
    });
  });

  describe('when a cross-signed intermediate leads to another trusted root', () => {
    it('follows a cross-signed intermediate up to a different trusted root', async () => {
      const newRoot = await createRoot({ subject: 'CN=New Root' });
      const newCa = await newRoot.issue({ ca: true, subject: 'CN=New Issuing CA' });
      const crossSignedNewRoot = await root.issue({
        ca: true,
        subject: newRoot.subject,
        keys: newRoot.keys,
      });
      const signingLeaf = await newCa.issue({ eku: [CODE_SIGNING] });
      // Only the old root is trusted; the new root is reachable through its cross-signed copy.
      const subject = buildChain(
        signingLeaf.der,
        options({ intermediates: [newCa.der, crossSignedNewRoot.der, newRoot.der] }),
      );
      expect(subject.chain).toEqual([signingLeaf.der, newCa.der, crossSignedNewRoot.der, root.der]);
      expect(subject.valid).toBe(true);
    });
  });

  describe('when the leaf is a self-signed certificate', () => {
    it('is trusted when it is itself an anchor', async () => {
      const selfSigned = await createRoot({ ca: false, eku: [CODE_SIGNING] });
      const subject = buildChain(
        selfSigned.der,
        options({ anchors: TrustStore.fromCertificates([selfSigned.der]), intermediates: [] }),
      );
      expect(subject.chain).toEqual([selfSigned.der]);
      expect(subject.valid).toBe(true);
    });

    it('reports UntrustedRoot otherwise', async () => {
      const selfSigned = await createRoot({ ca: false, eku: [CODE_SIGNING] });
      const subject = buildChain(selfSigned.der, options({ intermediates: [] }));
      expect(subject.statuses).toEqual(['UntrustedRoot']);
    });
  });

  describe('when the leaf is not a certificate', () => {
    it('throws NUPKG005', () => {
      expect(() => buildChain(new Uint8Array([1, 2, 3]), options())).toThrow(
        expect.objectContaining({ code: 'NUPKG005' }),
      );
    });
  });

  /** Chains are built once per trust store, leaf, intermediates, time and purpose. */
  describe('cache', () => {
    it('returns the parsed certificates of the chain, parallel to their DER', () => {
      const subject = buildChain(leaf.der, options());
      expect(subject.valid).toBe(true);
      expect(subject.certificates.map((c) => Buffer.from(c.der))).toEqual(
        subject.chain.map((der) => Buffer.from(der)),
      );
      expect(subject.chain.map((der) => Buffer.from(der))).toEqual(
        [leaf, intermediate, root].map((c) => Buffer.from(c.der)),
      );
    });

    it('answers a second request from the cache with the same parsed certificates', () => {
      const first = buildChain(leaf.der, options());
      const second = buildChain(
        Uint8Array.from(leaf.der),
        options({ verificationTime: new Date(AT) }),
      );
      expect(second).toEqual(first);
      second.certificates.forEach((certificate, i) =>
        expect(certificate).toBe(first.certificates[i]),
      );
    });

    it('gives each caller its own arrays, so one cannot change what the next is given', () => {
      const first = buildChain(leaf.der, options());
      first.chain.pop();
      first.certificates.length = 0;
      first.statuses.push('NotTimeValid');
      const second = buildChain(leaf.der, options());
      expect(second.chain).toHaveLength(3);
      expect(second.certificates).toHaveLength(3);
      expect(second.statuses).toEqual([]);
    });

    it('builds again for another trust store, time or set of intermediates', () => {
      expect(buildChain(leaf.der, options()).trusted).toBe(true);
      expect(buildChain(leaf.der, options({ anchors: TrustStore.empty() })).trusted).toBe(false);
      expect(
        buildChain(leaf.der, options({ verificationTime: new Date('2050-01-01T00:00:00Z') }))
          .statuses,
      ).toContain('NotTimeValid');
      expect(buildChain(leaf.der, options({ intermediates: [] })).statuses).toContain(
        'PartialChain',
      );
      expect(buildChain(leaf.der, options()).valid).toBe(true);
    });
  });
});
