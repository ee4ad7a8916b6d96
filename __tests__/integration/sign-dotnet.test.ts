import { LocalKeySigner } from '../../src/sign/local-key-signer.js';
import { signPackage } from '../../src/sign/sign-package.js';
import { getPreset } from '../../src/policy/presets.js';
import { TrustStore } from '../../src/trust/trust-store.js';
import { verifyPackage } from '../../src/verify/verify-package.js';
import { openPackageArchive } from '../../src/package/archive.js';
import { createTestPki, type TestPki } from '../helpers/pki.js';
import { timestampAuthorityOf } from '../helpers/tsa.js';
import { startTsaServer, type TsaServer } from '../helpers/tsa-server.js';
import { exportPfx } from '../helpers/pfx.js';
import { useTempDir } from '../helpers/temp-files.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';
import {
  createShadowSdk,
  describeWithDotnet,
  haveDotnet,
  runDotnet,
  runDotnetAsync,
} from '../helpers/dotnet-shadow-sdk.js';

if (!haveDotnet) console.warn('Skipping the dotnet round-trip tests: `dotnet` is not on PATH.');

const temp = useTempDir();
let pki: TestPki;
let tsa: TsaServer;
let shadowDotnet: string;

beforeAll(async () => {
  pki = await createTestPki();
  tsa = await startTsaServer(timestampAuthorityOf(pki));
  if (haveDotnet)
    shadowDotnet = createShadowSdk(
      temp.path('sdk'),
      `${pki.root.pem}\n${pki.intermediate.pem}`,
      pki.tsaRoot.pem,
    );
});
afterAll(async () => {
  await tsa?.close();
});

async function signedByUs(name: string): Promise<string> {
  const path = temp.write(`${name}.nupkg`, buildZip({ entries: [nuspecEntry(name, '1.0.0')] }));
  await signPackage({
    packagePath: path,
    signer: new LocalKeySigner(pki.leaf.keyObject, pki.leaf.certificate, [
      pki.intermediate.certificate,
    ]),
    hashAlgorithm: 'sha256',
    timestampUrls: [tsa.url],
    timestampHashAlgorithm: 'sha256',
    overwrite: false,
    clock: () => new Date(),
    trustedRoots: [pki.root.certificate, pki.tsaRoot.certificate],
  });
  return path;
}

/** Revocation cannot be checked for a test PKI without CRLs: NuGet logs it, never fails on it. */
const VERIFY = ['nuget', 'verify', '--all', '-v', 'n'];

describeWithDotnet('round trip with the .NET SDK', () => {
  describe('a package signed by signPackage (root → intermediate → leaf, loopback TSA)', () => {
    it('passes dotnet nuget verify --all when the SDK trusts the test roots', async () => {
      const path = await signedByUs('Ours.Trusted');
      const subject = runDotnet([...VERIFY, path], shadowDotnet);
      expect(subject.output).toContain('trustedroots/codesignctl.pem');
      expect(subject.output).toContain('Signature type: Author');
      expect(subject.output).toContain("Successfully verified package 'Ours.Trusted.1.0.0'.");
      expect(subject.status).toBe(0);
      expect(subject.codes).toEqual([]);
    }, 60_000);

    it('with the stock SDK and trustedSigners allowUntrustedRoot, fails only on the TSA root (NU3028)', async () => {
      // allowUntrustedRoot covers the signing certificate only; NuGet has no switch for the TSA
      // root, so an untrusted TSA root stays an error (NU3028, plus the NU3042 root description).
      const path = await signedByUs('Ours.Untrusted');
      const config = temp.write(
        'nuget.config',
        `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <trustedSigners>
    <author name="test">
      <certificate fingerprint="${pki.leaf.fingerprintSha256}" hashAlgorithm="SHA256" allowUntrustedRoot="true" />
    </author>
  </trustedSigners>
</configuration>
`,
      );
      const subject = runDotnet([...VERIFY, '--configfile', config, path]);
      expect(subject.codes).toEqual(['NU3028', 'NU3042']);
      expect(subject.output).toMatch(/error: NU3028/);
      expect(subject.output).not.toMatch(/error: NU30(?!28)/);
    }, 60_000);
  });

  describe('a package signed by dotnet nuget sign', () => {
    it('is accepted by our verifier and laid out like ours', async () => {
      const pfx = exportPfx(temp.path('leaf.pfx'), {
        key: pki.leaf.keyObject,
        chainPem: `${pki.leaf.pem}\n${pki.intermediate.pem}\n`,
        password: 'test',
      });
      const path = temp.write(
        'Theirs.nupkg',
        buildZip({ entries: [nuspecEntry('Theirs', '1.0.0')] }),
      );
      const signed = await runDotnetAsync(
        [
          'nuget',
          'sign',
          path,
          '--certificate-path',
          pfx,
          '--certificate-password',
          'test',
          '--timestamper',
          tsa.url,
        ],
        shadowDotnet,
      );
      // Only revocation warnings: the test PKI publishes no CRLs (NuGet never fails on that).
      expect(signed).not.toMatch(/error/i);
      expect([...new Set(signed.match(/NU3\d{3}/g))].sort()).toEqual(['NU3018', 'NU3028']);

      const now = new Date();
      const subject = await verifyPackage(path, {
        policy: getPreset('verify'),
        now,
        trust: {
          codeSigning: TrustStore.fromCertificates([pki.root.certificate]),
          timestamping: TrustStore.fromCertificates([pki.tsaRoot.certificate]),
        },
      });
      expect(subject.issues.filter((i) => i.level === 'error')).toEqual([]);
      expect(subject).toMatchObject({ valid: true, signature: 'author' });

      // Byte level: same entry placement and header fields as our writer (spec §1.6).
      const ours = await signatureLayout(await signedByUs('Ours.Layout'));
      const theirs = await signatureLayout(path);
      expect(theirs).toEqual(ours);
    }, 60_000);
  });
});

/** Where the signature entry sits and its header fields, minus sizes, CRC and time. */
async function signatureLayout(path: string) {
  const archive = await openPackageArchive(path);
  try {
    const records = [...archive.directory];
    const last = records[records.length - 1];
    if (!last) throw new Error('no entries');
    const raw = Buffer.from(last.raw);
    const local = await archive.file.read(last.localHeaderOffset, 30);
    const lastLocal = Math.max(...records.map((r) => r.localHeaderOffset));
    return {
      name: raw.subarray(46, 46 + raw.readUInt16LE(28)).toString('latin1'),
      isLastLocalEntry: last.localHeaderOffset === lastLocal,
      centralHeader: {
        madeBy: raw.readUInt16LE(4),
        needed: raw.readUInt16LE(6),
        flags: raw.readUInt16LE(8),
        method: raw.readUInt16LE(10),
        extra: raw.readUInt16LE(30),
        comment: raw.readUInt16LE(32),
        attributes: [raw.readUInt16LE(36), raw.readUInt32LE(38)],
      },
      localHeader: {
        needed: local.readUInt16LE(4),
        flags: local.readUInt16LE(6),
        method: local.readUInt16LE(8),
        extra: local.readUInt16LE(28),
      },
      sizesAgree:
        raw.readUInt32LE(20) === raw.readUInt32LE(24) &&
        local.readUInt32LE(18) === raw.readUInt32LE(20),
      crcAgrees: local.readUInt32LE(14) === raw.readUInt32LE(16),
    };
  } finally {
    await archive.file.close();
  }
}
