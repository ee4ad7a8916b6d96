import { readFileSync, writeFileSync } from 'node:fs';
import { PRESETS } from '../../src/policy/presets.js';
import { TrustStore } from '../../src/trust/trust-store.js';
import type { TrustStores } from '../../src/trust/bundled-roots.js';
import { verifyPackage } from '../../src/verify/verify-package.js';
import {
  DOTNET_ENV,
  createShadowSdk,
  describeWithDotnet,
  haveDotnet,
  runDotnet,
  runDotnetAsync,
} from '../helpers/dotnet-shadow-sdk.js';
import {
  DEFECT_CASES,
  makeSignedPackage,
  signingPki,
  type SigningPki,
} from '../helpers/signed-package.js';
import { exportPfx } from '../helpers/pfx.js';
import { useTempDir } from '../helpers/temp-files.js';
import { timestampAuthorityOf } from '../helpers/tsa.js';
import { startTsaServer, type TsaServer } from '../helpers/tsa-server.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';
import { expectConsistentVerdict } from '../helpers/verdict-consistency.js';

/**
 * Differential test against the real NuGet client: every package of the defect catalogue
 * (helpers/signed-package.ts) plus packages signed by `dotnet nuget sign`, verified by
 * `dotnet nuget verify --all` and by `verifyPackage` under the `verify` preset with the same
 * roots. Both must give the same verdict and the same error and warning codes.
 *
 * Revocation: the test PKI publishes no CRLs, so NuGet runs in offline revocation mode, where it
 * logs unknown revocation as information without a code (spec §8.4); we do not check revocation.
 */
if (!haveDotnet) console.warn('Skipping the dotnet verify matrix: `dotnet` is not on PATH.');

/**
 * Packages where our verdict may differ from dotnet's, with the reason (a platform-specific,
 * documented difference). A listed package must still differ, so stale entries are noticed.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {};

interface Verdict {
  readonly valid: boolean;
  readonly errors: string[];
  readonly warnings: string[];
}

const DOTNET_VERIFY_ENV = { ...DOTNET_ENV, NUGET_CERT_REVOCATION_MODE: 'offline' };
const PACKAGES_PER_DOTNET_CALL = 10;

const temp = useTempDir();
let pki: SigningPki;
let tsa: TsaServer | undefined;
let shadowDotnet: string;
let trust: TrustStores;
/** Package id → path, in the order they are verified. */
const packages = new Map<string, string>();
const dotnetVerdicts = new Map<string, Verdict>();

beforeAll(async () => {
  if (!haveDotnet) return;
  pki = await signingPki();
  // The bundle holds the intermediate too: `dotnet nuget sign` uses only the leaf of a PFX and
  // must find the intermediate somewhere (spec §8.3). Our stores get exactly the same certificates.
  const codeSigning = [pki.root, pki.intermediate];
  shadowDotnet = createShadowSdk(
    temp.path('sdk'),
    codeSigning.map((c) => c.pem).join('\n'),
    pki.tsaRoot.pem,
  );
  trust = {
    codeSigning: TrustStore.fromCertificates(codeSigning.map((c) => c.certificate)),
    timestamping: TrustStore.fromCertificates([pki.tsaRoot.certificate]),
  };

  for (const { id, options } of DEFECT_CASES) {
    packages.set(id, await makeSignedPackage({ directory: temp.path(''), id, pki, ...options }));
  }
  packages.set('Unsigned', writeUnsigned('Unsigned'));
  for (const [id, path] of await signWithDotnet()) packages.set(id, path);

  const paths = [...packages.values()];
  for (let i = 0; i < paths.length; i += PACKAGES_PER_DOTNET_CALL) {
    const batch = paths.slice(i, i + PACKAGES_PER_DOTNET_CALL);
    const run = runDotnet(
      ['nuget', 'verify', '--all', '-v', 'n', ...batch],
      shadowDotnet,
      DOTNET_VERIFY_ENV,
    );
    for (const [path, verdict] of splitVerifyOutput(run.output, batch)) {
      dotnetVerdicts.set(path, verdict);
    }
  }
}, 120_000);

afterAll(async () => {
  await tsa?.close();
});

function writeUnsigned(id: string): string {
  return temp.write(
    `${id}.nupkg`,
    buildZip({
      entries: [
        nuspecEntry(id, '1.0.0'),
        { name: 'content/readme.txt', data: Buffer.from(`${id} readme\n`), method: 0 },
      ],
    }),
  );
}

/**
 * Signs with the reference signer: a PFX holding our leaf (written by openssl with the AES/SHA-256
 * protection the .NET SDK expects), timestamps from a loopback TSA.
 */
async function signWithDotnet(): Promise<[string, string][]> {
  const pfx = exportPfx(temp.path('leaf.pfx'), {
    key: pki.leaf.keyObject,
    chainPem: `${pki.leaf.pem}\n${pki.intermediate.pem}\n`,
    password: 'test',
    aes: true,
  });
  tsa = await startTsaServer(timestampAuthorityOf(pki));

  const runs: { ids: string[]; args: string[] }[] = [
    {
      ids: ['Dotnet.Timestamped', 'Dotnet.Tampered'],
      args: ['--timestamper', tsa.url],
    },
    {
      ids: ['Dotnet.Sha512'],
      args: [
        '--timestamper',
        tsa.url,
        '--hash-algorithm',
        'SHA512',
        '--timestamp-hash-algorithm',
        'SHA384',
      ],
    },
    { ids: ['Dotnet.NoTimestamp'], args: [] },
  ];
  const signed: [string, string][] = [];
  for (const { ids, args } of runs) {
    const paths = ids.map(writeUnsigned);
    const output = await runDotnetAsync(
      [
        'nuget',
        'sign',
        ...paths,
        '--certificate-path',
        pfx,
        '--certificate-password',
        'test',
        ...args,
      ],
      shadowDotnet,
      DOTNET_VERIFY_ENV,
    );
    if (/error/i.test(output)) throw new Error(`dotnet nuget sign failed:\n${output}`);
    ids.forEach((id, i) => signed.push([id, paths[i] as string]));
  }
  // Changed after signing: one byte of a stored file.
  const tampered = signed.find(([id]) => id === 'Dotnet.Tampered')?.[1] as string;
  const bytes = readFileSync(tampered);
  const at = bytes.indexOf('Dotnet.Tampered readme');
  bytes[at] = bytes[at]! ^ 0x20;
  writeFileSync(tampered, bytes);
  return signed;
}

/**
 * `dotnet nuget verify` prints one block per package, starting `Verifying <id>.<version>` and
 * naming the path on a line of its own; the block ends with "Successfully verified package" or
 * "Package signature validation failed".
 */
function splitVerifyOutput(output: string, paths: readonly string[]): Map<string, Verdict> {
  const blocks = output.split(/^(?=Verifying \S+\.\d+\.\d+\.\d+$)/m);
  const verdicts = new Map<string, Verdict>();
  for (const path of paths) {
    const block = blocks.find((b) => b.split('\n').includes(path));
    if (!block) throw new Error(`no dotnet output for ${path}:\n${output}`);
    const codes = (prefix: RegExp) =>
      [...new Set([...block.matchAll(prefix)].map((m) => m[1] as string))].sort();
    verdicts.set(path, {
      valid: /^Successfully verified package/m.test(block),
      errors: codes(/^error: (NU\d{4})/gm),
      warnings: codes(/^warn : (NU\d{4})/gm),
    });
  }
  return verdicts;
}

describeWithDotnet('verdicts of verifyPackage and dotnet nuget verify --all', () => {
  it('covers every package with a dotnet verdict', () => {
    expect(dotnetVerdicts.size).toBe(packages.size);
    expect(packages.size).toBe(DEFECT_CASES.length + 5);
  });

  it('agrees with dotnet on each package (verdict, error and warning codes)', async () => {
    const differences: Record<string, { ours: Verdict; dotnet: Verdict }> = {};
    const stale: string[] = [];
    for (const [id, path] of packages) {
      const result = await verifyPackage(path, {
        policy: PRESETS.verify,
        now: new Date(),
        trust,
      });
      expectConsistentVerdict(result);
      const codes = (level: string) =>
        [...new Set(result.issues.filter((i) => i.level === level).map((i) => i.code))].sort();
      const ours = { valid: result.valid, errors: codes('error'), warnings: codes('warning') };
      const dotnet = dotnetVerdicts.get(path) as Verdict;
      const differs = JSON.stringify(ours) !== JSON.stringify(dotnet);
      if (differs && !(id in KNOWN_DIFFERENCES)) differences[id] = { ours, dotnet };
      if (!differs && id in KNOWN_DIFFERENCES) stale.push(id);
    }
    expect(differences).toEqual({});
    expect(stale).toEqual([]);
  });

  it('finds the packages signed by dotnet valid, except the tampered one', () => {
    const verdictOf = (id: string) => dotnetVerdicts.get(packages.get(id) as string);
    expect(verdictOf('Dotnet.Timestamped')).toEqual({ valid: true, errors: [], warnings: [] });
    expect(verdictOf('Dotnet.Sha512')).toEqual({ valid: true, errors: [], warnings: [] });
    expect(verdictOf('Dotnet.NoTimestamp')).toEqual({
      valid: true,
      errors: [],
      warnings: ['NU3027'],
    });
    expect(verdictOf('Dotnet.Tampered')).toMatchObject({ valid: false, errors: ['NU3008'] });
  });
});
