import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPem } from '../../../src/signature/certificate.js';
import { selectTrustStores } from '../../../src/trust/select-trust-stores.js';
import { SYSTEM_BUNDLE_PATHS } from '../../../src/trust/system-roots.js';
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
    'on Windows refuses %j with NUPKG003 naming default and PEM files',
    (values) => {
      const resolved = values.map((v) => (v === 'root.pem' ? rootPem : v));
      let thrown: unknown;
      try {
        selectTrustStores(resolved, 'win32');
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

  it('on Linux, system reads the first OS bundle (or says none was found, NUPKG005)', () => {
    const present = SYSTEM_BUNDLE_PATHS.some((path) => existsSync(path));
    if (present) {
      expect(selectTrustStores(['system'], 'linux').codeSigning.size).toBeGreaterThan(0);
    } else {
      expect(() => selectTrustStores(['system'], 'linux')).toThrow(
        expect.objectContaining({ code: 'NUPKG005' }),
      );
    }
  });
});
