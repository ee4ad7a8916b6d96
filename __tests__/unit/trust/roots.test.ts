import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  findTrustedRootsDirectory,
  loadBundledTrustStores,
} from '../../../src/trust/bundled-roots.js';
import { loadDefaultTrustStores } from '../../../src/trust/default-stores.js';
import { describeUntrustedRoot } from '../../../src/trust/describe.js';
import { toPem } from '../../../src/signature/certificate.js';
import { loadPemCertificates } from '../../../src/trust/pem.js';
import {
  loadObjectSigningTrustStore,
  loadSystemTrustStore,
} from '../../../src/trust/system-roots.js';
import { createRoot, type TestCert } from './chain-pki.js';

const REPO_ROOTS = resolve('trustedroots');

describe('trust roots', () => {
  let dir: string;
  let root: TestCert;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nupkg-roots-'));
    root = await createRoot({ subject: 'CN=Object Signing Root, O=Tests, C=US' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('#findTrustedRootsDirectory', () => {
    it('finds the repository trustedroots/ from the source module', () => {
      expect(findTrustedRootsDirectory()).toBe(REPO_ROOTS);
    });

    it('finds trustedroots/ next to dist/ from a bundled dist/cli location', () => {
      const install = join(dir, 'install');
      mkdirSync(join(install, 'trustedroots'), { recursive: true });
      mkdirSync(join(install, 'dist', 'cli'), { recursive: true });
      writeFileSync(join(install, 'trustedroots', 'codesignctl.pem'), toPem(root.der));
      expect(findTrustedRootsDirectory(join(install, 'dist', 'cli'))).toBe(
        join(install, 'trustedroots'),
      );
      expect(findTrustedRootsDirectory(join(install, 'dist'))).toBe(join(install, 'trustedroots'));
    });

    it('returns undefined when no ancestor has trustedroots/', () => {
      const lonely = join(dir, 'lonely', 'dist');
      mkdirSync(lonely, { recursive: true });
      // /tmp and / have no trustedroots/ in this environment.
      expect(findTrustedRootsDirectory(lonely)).toBeUndefined();
    });
  });

  describe('#loadBundledTrustStores', () => {
    it('loads both SDK bundles with the certificate counts recorded in the README', () => {
      const readme = readFileSync(join(REPO_ROOTS, 'README.md'), 'utf8');
      const count = (file: string) =>
        Number(new RegExp(`\`${file}\` \\| (\\d+) \\|`).exec(readme)?.[1]);
      const subject = loadBundledTrustStores();
      expect(subject.codeSigning.size).toBe(count('codesignctl.pem'));
      expect(subject.timestamping.size).toBe(count('timestampctl.pem'));
      expect(subject.codeSigning.size).toBeGreaterThan(100);
    });

    it('matches the SHA-256 recorded in the README for each bundle', () => {
      const readme = readFileSync(join(REPO_ROOTS, 'README.md'), 'utf8');
      for (const file of ['codesignctl.pem', 'timestampctl.pem']) {
        const digest = createHash('sha256')
          .update(readFileSync(join(REPO_ROOTS, file)))
          .digest('hex');
        expect(readme).toContain(
          `\`${file}\` | ${loadPemCertificates(readFileSync(join(REPO_ROOTS, file), 'latin1')).length} | \`${digest}\``,
        );
      }
    });

    it('throws NUPKG005 when the bundles cannot be found', () => {
      const lonely = join(dir, 'lonely', 'dist');
      mkdirSync(lonely, { recursive: true });
      expect(() => loadBundledTrustStores(lonely)).toThrow(
        expect.objectContaining({ code: 'NUPKG005' }),
      );
    });
  });

  describe('#loadSystemTrustStore', () => {
    it('loads the first bundle of the probe list that exists', () => {
      const bundle = join(dir, 'system.pem');
      writeFileSync(bundle, toPem(root.der));
      const subject = loadSystemTrustStore([join(dir, 'absent.crt'), bundle]);
      expect(subject?.certificates).toEqual([root.der]);
    });

    it('returns undefined when no bundle exists', () => {
      expect(loadSystemTrustStore([join(dir, 'absent.crt')])).toBeUndefined();
    });
  });

  describe('#loadObjectSigningTrustStore and #loadDefaultTrustStores', () => {
    it('uses the OS object-signing bundle for code signing on Linux when it has certificates', () => {
      const objsign = join(dir, 'objsign-ca-bundle.pem');
      writeFileSync(objsign, toPem(root.der));
      const subject = loadDefaultTrustStores({ platform: 'linux', objectSigningBundle: objsign });
      expect(subject.codeSigning.certificates).toEqual([root.der]);
      expect(subject.timestamping.size).toBeGreaterThan(100);
    });

    it('falls back to the SDK bundle when the OS bundle is empty or absent', () => {
      const empty = join(dir, 'empty-objsign.pem');
      writeFileSync(empty, '');
      expect(loadObjectSigningTrustStore(empty)).toBeUndefined();
      expect(loadObjectSigningTrustStore(join(dir, 'absent.pem'))).toBeUndefined();
      const subject = loadDefaultTrustStores({ platform: 'linux', objectSigningBundle: empty });
      expect(subject.codeSigning.size).toBeGreaterThan(100);
    });

    it('ignores the OS bundle on macOS', () => {
      const objsign = join(dir, 'objsign-mac.pem');
      writeFileSync(objsign, toPem(root.der));
      const subject = loadDefaultTrustStores({ platform: 'darwin', objectSigningBundle: objsign });
      expect(subject.codeSigning.size).toBeGreaterThan(100);
    });
  });

  describe('#describeUntrustedRoot', () => {
    it('returns the subject in reverse DER order, the uppercase SHA-256 and a PEM block', () => {
      const subject = describeUntrustedRoot(root.der);
      // @peculiar/x509 encodes the RDNs in the order written (CN first), so .NET prints C first.
      expect(subject.subject).toBe('C=US, O=Tests, CN=Object Signing Root');
      expect(subject.sha256Fingerprint).toBe(
        createHash('sha256').update(root.der).digest('hex').toUpperCase(),
      );
      expect(subject.pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
      expect(loadPemCertificates(subject.pem)).toEqual([root.der]);
    });

    // Strings printed by X509Certificate2.Subject on .NET 10 / Linux for these bundled roots.
    it.each([
      'CN=DigiCert CS RSA4096 Root G5, O="DigiCert, Inc.", C=US',
      'CN=Entrust Root Certification Authority - EC1, OU="(c) 2012 Entrust, Inc. - for authorized use only", OU=See www.entrust.net/legal-terms, O="Entrust, Inc.", C=US',
      'E=acrse@economia.gob.mx, O=Secretaria de Economia, OU=Direccion General de Normatividad Mercantil, CN=Autoridad Certificadora Raiz de la Secretaria de Economia, STREET=Insurgentes Sur 1940, PostalCode=01030, C=MX, S=Distrito Federal, L=Alvaro Obregon',
      'CN=SI-TRUST Root, organizationIdentifier=VATSI-17659957, O=Republika Slovenija, C=SI',
      'SERIALNUMBER=NTRCZ-26439395, CN=I.CA Root CA/RSA, O="První certifikační autorita, a.s.", C=CZ',
    ])('renders a bundled root subject as .NET does: %s', (expected) => {
      const bundle = readFileSync(join(REPO_ROOTS, 'codesignctl.pem'), 'latin1');
      const subjects = loadPemCertificates(bundle).map((der) => describeUntrustedRoot(der).subject);
      expect(subjects).toContain(expected);
    });
  });
});
