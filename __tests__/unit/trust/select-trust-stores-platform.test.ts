import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPem } from '../../../src/signature/certificate.js';
import { selectTrustStores } from '../../../src/trust/select-trust-stores.js';
import { SYSTEM_BUNDLE_PATHS, runtimeSystemCertificates } from '../../../src/trust/system-roots.js';
import { createRoot, type TestCert } from './chain-pki.js';

/** `--trusted-roots` per platform: `system` reads /etc paths, which Windows must not trust. */
describe('#selectTrustStores per platform', () => {
  let dir: string;
  let root: TestCert;
  let rootPem: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nupkg-select-roots-'));
    root = await createRoot({ subject: 'CN=Platform Root, O=Tests, C=US' });
    rootPem = join(dir, 'root.pem');
    writeFileSync(rootPem, toPem(root.der));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([[['system']], [['system', 'root.pem']]])(
    'on Windows without the runtime API refuses %j with NUPKG003 naming default and PEM files',
    (values) => {
      const resolved = values.map((v) => (v === 'root.pem' ? rootPem : v));
      let thrown: unknown;
      try {
        // A runtime without tls.getCACertificates (Node.js before 22.15).
        selectTrustStores(resolved, 'win32', () => undefined);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({
        code: 'NUPKG003',
        message: expect.stringMatching(
          /not available on Windows.*--trusted-roots default.*FILE\.pem/,
        ),
      });
    },
  );

  it('on Windows, default is the SDK bundles, and PEM files add roots', () => {
    const stores = selectTrustStores(['default', rootPem], 'win32');
    expect(stores.codeSigning.size).toBeGreaterThan(100);
    expect(stores.timestamping.size).toBeGreaterThan(100);
    expect(stores.codeSigning.certificates).toContainEqual(root.der);
    expect(stores.timestamping.certificates).toContainEqual(root.der);
  });

  it('on Windows, PEM files alone are accepted', () => {
    const stores = selectTrustStores([rootPem], 'win32');
    expect(stores.codeSigning.certificates).toContainEqual(root.der);
  });

  it('on Linux without the runtime API, system reads the first OS bundle (or NUPKG005)', () => {
    const present = SYSTEM_BUNDLE_PATHS.some((path) => existsSync(path));
    const noApi = () => undefined;
    if (present) {
      expect(selectTrustStores(['system'], 'linux', noApi).codeSigning.size).toBeGreaterThan(0);
    } else {
      expect(() => selectTrustStores(['system'], 'linux', noApi)).toThrow(
        expect.objectContaining({ code: 'NUPKG005' }),
      );
    }
  });

  describe('system from the runtime (tls.getCACertificates, Node.js 22.15 and later)', () => {
    it.each(['win32', 'linux', 'darwin'] as const)(
      'on %s trusts exactly the listed roots, for both purposes',
      (platform) => {
        const stores = selectTrustStores(['system'], platform, () => [toPem(root.der)]);
        expect(stores.codeSigning.certificates).toEqual([root.der]);
        expect(stores.timestamping.certificates).toEqual([root.der]);
      },
    );

    it('leaves out what it cannot read and keeps the rest, plus PEM files named with it', async () => {
      const other = await createRoot({ subject: 'CN=Other Root, O=Tests, C=US' });
      const listed = [
        '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----',
        toPem(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])),
        toPem(other.der),
      ];
      const stores = selectTrustStores(['system', rootPem], 'win32', () => listed);
      expect(stores.codeSigning.certificates).toEqual([other.der, root.der]);
    });

    it('on Windows says the store listed no readable root (NUPKG003)', () => {
      expect(() => selectTrustStores(['system'], 'win32', () => [])).toThrow(
        expect.objectContaining({
          code: 'NUPKG003',
          message: expect.stringMatching(/Windows certificate stores listed no readable root/),
        }),
      );
    });

    it('uses the runtime API when this Node.js has it', () => {
      const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
      const hasApi = major > 22 || (major === 22 && minor >= 15);
      const listed = runtimeSystemCertificates();
      expect(listed !== undefined).toBe(hasApi);
      if (listed && listed.length > 0) {
        const stores = selectTrustStores(['system'], 'win32');
        expect(stores.codeSigning.size).toBeGreaterThan(0);
        expect(stores.codeSigning.size).toBeLessThanOrEqual(listed.length);
      }
    });
  });
});
