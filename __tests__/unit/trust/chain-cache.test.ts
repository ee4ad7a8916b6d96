import { buildChain, type BuildChainOptions } from '../../../src/trust/chain-builder.js';
import { TrustStore } from '../../../src/trust/trust-store.js';
import { CODE_SIGNING, createRoot, type TestCert } from './chain-pki.js';

const AT = new Date('2030-06-01T00:00:00Z');

/** Chains are built once per trust store, leaf, intermediates, time and purpose. */
describe('#buildChain cache', () => {
  let root: TestCert;
  let intermediate: TestCert;
  let leaf: TestCert;
  let anchors: TrustStore;

  beforeAll(async () => {
    root = await createRoot({ subject: 'CN=Cache Root' });
    intermediate = await root.issue({ ca: true, subject: 'CN=Cache CA' });
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

  it('returns the parsed certificates of the chain, parallel to their DER', () => {
    const subject = buildChain(leaf.der, options());
    expect(subject.valid).toBe(true);
    expect(subject.certificates.map((c) => Buffer.from(c.der))).toEqual(
      subject.chain.map((der) => Buffer.from(der)),
    );
    expect(subject.certificates.map((c) => c.subject)).toEqual([
      leaf.subject,
      'CN=Cache CA',
      'CN=Cache Root',
    ]);
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
    expect(buildChain(leaf.der, options({ intermediates: [] })).statuses).toContain('PartialChain');
    expect(buildChain(leaf.der, options()).valid).toBe(true);
  });
});
