/**
 * The nuspec's version as NuGetVersion.Parse reads it (issue 11): `dotnet nuget verify` fails,
 * without a code, on a version it cannot parse, so we refuse the package (NUPKG001) where it does.
 * The table is what dotnet answered; the dotnet block asks it again on packages built here.
 */
import { isNuGetVersion } from '../../../src/package/nuget-version.js';
import { PRESETS } from '../../../src/policy/presets.js';
import { TrustStore } from '../../../src/trust/trust-store.js';
import { verifyPackage } from '../../../src/verify/verify-package.js';
import { describeWithDotnet, runDotnet } from '../../helpers/dotnet-shadow-sdk.js';
import { useTempDir } from '../../helpers/temp-files.js';
import { buildZip } from '../../helpers/zip-builder.js';

const temp = useTempDir();
const OPTIONS = {
  policy: PRESETS.verify,
  now: new Date('2025-06-01T12:00:00Z'),
  trust: { codeSigning: TrustStore.empty(), timestamping: TrustStore.empty() },
};

/** [version as written in the nuspec, whether NuGet parses it]. */
const VERSIONS: [string, boolean][] = [
  ['1.0.0', true],
  ['1.0', true],
  ['1', true],
  ['1.2.3.4', true],
  ['1.2.3.4.5', false],
  ['01.002.0003', true],
  ['1.0.0-beta', true],
  ['1.0.0-beta.01', false],
  ['1.0.0-beta.0a', true],
  ['1.0.0-01', false],
  ['1.0.0+01.02', true],
  ['1.0.0-', false],
  ['1.0.0+', false],
  ['1.0.0-beta+', false],
  ['1.0.0-+m', false],
  ['1.0.0-be_ta', false],
  ['1.0.0 beta', false],
  [' 1.0.0 ', true],
  ['1. 0', true],
  ['+1.0', false],
  ['1.+0', false],
  ['-0.1', false],
  ['1.0.-0', false],
  ['1.0.2147483647', true],
  ['1.0.2147483648', false],
  ['1..0', false],
  ['', false],
  ['1.0.0-beta..1', false],
  ['1.0.0+a..b', false],
  ['1.0.0\u00a0', true],
  ['\u30001.0', true],
  ['v1.0', false],
  ['1.0.0-rc.1+build.5', true],
  ['1-a', true],
  ['1+a', true],
  ['1.0.0--', true],
  ['1.0.0-a-b+c-d.e', true],
];

let built = 0;
function packageWithVersion(version: string): string {
  const nuspec = `<?xml version="1.0"?><package><metadata><id>V</id><version>${version}</version></metadata></package>`;
  return temp.write(
    `version-${++built}.nupkg`,
    buildZip({ entries: [{ name: 'V.nuspec', data: Buffer.from(nuspec), method: 8 }] }),
  );
}

describe('isNuGetVersion', () => {
  it.each(VERSIONS)('%j: parses %s', (version, parses) => {
    expect(isNuGetVersion(version)).toBe(parses);
  });

  it('is linear on long inputs (no backtracking)', () => {
    const started = performance.now();
    expect(isNuGetVersion(`1.0.0-${'a.'.repeat(500_000)}`)).toBe(false);
    expect(isNuGetVersion(`1.0.0+${'0'.repeat(1_000_000)}`)).toBe(true);
    expect(isNuGetVersion(`${' '.repeat(1_000_000)}1.0${' '.repeat(1_000_000)}x`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('verifyPackage and the nuspec version', () => {
  it.each(VERSIONS)('%j: %s', async (version, parses) => {
    const result = await verifyPackage(packageWithVersion(version), OPTIONS);
    expect(result.issues.map((i) => i.code)).toEqual([parses ? 'NU3004' : 'NUPKG001']);
  });

  it('accepts a nuspec without a version, as NuGet does', async () => {
    const nuspec = '<package><metadata><id>V</id></metadata></package>';
    const path = temp.write(
      'no-version.nupkg',
      buildZip({ entries: [{ name: 'V.nuspec', data: Buffer.from(nuspec) }] }),
    );
    const result = await verifyPackage(path, OPTIONS);
    expect(result.package).toEqual({ id: 'V', version: '' });
    expect(result.issues.map((i) => i.code)).toEqual(['NU3004']);
  });
});

describeWithDotnet('dotnet nuget verify --all on the same versions', () => {
  it.each(VERSIONS)(
    '%j: parses %s',
    (version, parses) => {
      const run = runDotnet(['nuget', 'verify', '--all', packageWithVersion(version)]);
      // NU3004 (unsigned) means dotnet read the identity; otherwise it failed on the version.
      expect(run.codes).toEqual(parses ? ['NU3004'] : []);
    },
    120_000,
  );
});
