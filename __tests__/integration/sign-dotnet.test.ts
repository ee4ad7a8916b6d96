import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import {
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { LocalKeySigner } from '../../src/sign/local-key-signer.js';
import { signPackage } from '../../src/sign/sign-package.js';
import { getPreset } from '../../src/policy/presets.js';
import { TrustStore } from '../../src/trust/trust-store.js';
import { verifyPackage } from '../../src/verify/verify-package.js';
import { openPackageArchive } from '../../src/package/archive.js';
import { createTestPki, type TestPki } from '../helpers/pki.js';
import { createTimestampAuthority } from '../helpers/tsa.js';
import { startTsaServer, type TsaServer } from '../helpers/tsa-server.js';
import { useTempDir } from '../helpers/temp-files.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';

const dotnet = spawnSync('dotnet', ['--version'], { encoding: 'utf8' });
const haveDotnet = dotnet.status === 0;
const describeWithDotnet = haveDotnet ? describe : describe.skip;
if (!haveDotnet) console.warn('Skipping the dotnet round-trip tests: `dotnet` is not on PATH.');

const DOTNET_ENV = {
  ...process.env,
  DOTNET_CLI_TELEMETRY_OPTOUT: '1',
  DOTNET_NOLOGO: '1',
  DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1',
};

function runDotnet(
  args: string[],
  executable = 'dotnet',
): { status: number | null; output: string; codes: string[] } {
  const result = spawnSync(executable, args, {
    encoding: 'utf8',
    env: DOTNET_ENV,
    timeout: 60_000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  return {
    status: result.status,
    output,
    codes: [...new Set(output.match(/NU3\d{3}/g) ?? [])].sort(),
  };
}

/** Async: the loopback TSA lives in this process, so a blocking spawn would starve it. */
async function runDotnetAsync(args: string[], executable: string): Promise<string> {
  const result = await promisify(execFile)(executable, args, {
    encoding: 'utf8',
    env: DOTNET_ENV,
    timeout: 60_000,
  }).catch((error: { stdout?: string; stderr?: string }) => error);
  return `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
}

const temp = useTempDir();
let pki: TestPki;
let tsa: TsaServer;
let shadowDotnet: string;

/**
 * How to make dotnet trust a test root without touching the machine: on Linux NuGet reads its roots
 * from `trustedroots/*.pem` next to its own assemblies (spec §8.1-8.2). No variable overrides this,
 * and the /etc/pki objsign bundle it probes first is system state we must not change. So we build
 * a shadow SDK in a temp dir: a copy of the `dotnet` muxer, the SDK's top-level files hard-linked
 * (copied when /tmp is another file system; ~80 MB), its subdirectories and the runtime symlinked,
 * and a real `trustedroots/` holding the SDK bundles plus our test roots. Files must be real, not
 * symlinks: the host resolves symlinks, and NuGet would then find the original bundles.
 */
function createShadowSdk(
  directory: string,
  codeSigningRoot: string,
  timestampingRoot: string,
): string {
  const real = dirname(
    realpathSync(spawnSync('which', ['dotnet'], { encoding: 'utf8' }).stdout.trim()),
  );
  const version = dotnet.stdout.trim();
  const sdk = join(real, 'sdk', version);
  const shadowSdk = join(directory, 'sdk', version);
  mkdirSync(join(shadowSdk, 'trustedroots'), { recursive: true });
  linkOrCopy(join(real, 'dotnet'), join(directory, 'dotnet'));
  for (const name of readdirSync(real)) {
    if (name !== 'dotnet' && name !== 'sdk') symlinkSync(join(real, name), join(directory, name));
  }
  for (const entry of readdirSync(sdk, { withFileTypes: true })) {
    if (entry.name === 'trustedroots') continue;
    const [from, to] = [join(sdk, entry.name), join(shadowSdk, entry.name)];
    if (entry.isDirectory()) symlinkSync(from, to);
    else linkOrCopy(from, to);
  }
  const bundles = { 'codesignctl.pem': codeSigningRoot, 'timestampctl.pem': timestampingRoot };
  for (const [file, extra] of Object.entries(bundles)) {
    const original = readFileSync(join(sdk, 'trustedroots', file), 'utf8');
    writeFileSync(join(shadowSdk, 'trustedroots', file), `${original}\n${extra}\n`);
  }
  return join(directory, 'dotnet');
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

beforeAll(async () => {
  pki = await createTestPki();
  tsa = await startTsaServer(
    createTimestampAuthority({
      certificate: pki.tsa.certificate,
      privateKey: pki.tsa.keyObject,
      chain: [pki.tsaRoot.certificate],
      clock: () => new Date(),
    }),
  );
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
      const pfx = temp.path('leaf.pfx');
      const chainPem = temp.write('leaf-chain.pem', `${pki.leaf.pem}\n${pki.intermediate.pem}\n`);
      const keyPem = temp.write(
        'leaf.key',
        pki.leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }),
      );
      const exported = spawnSync('openssl', [
        'pkcs12',
        '-export',
        '-out',
        pfx,
        '-inkey',
        keyPem,
        '-in',
        chainPem,
        '-passout',
        'pass:test',
      ]);
      expect(exported.status).toBe(0);
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
    const last = archive.records[archive.records.length - 1];
    if (!last) throw new Error('no entries');
    const raw = Buffer.from(last.raw);
    const local = await archive.file.read(last.localHeaderOffset, 30);
    const lastLocal = Math.max(...archive.records.map((r) => r.localHeaderOffset));
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
