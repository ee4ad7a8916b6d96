/**
 * Archives at the entry limit (issue 11, finding 7): a million entries, or half a million entries
 * over one local header, are verified by the CLI in a child process (so its own peak RSS is
 * measured) to a coded result within 10 s and 200 MiB; one entry more is refused (NUPKG004).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPackageArchive } from '../../../src/package/archive.js';
import { LIMITS } from '../../../src/limits.js';
import { readSignatureEntry } from '../../../src/package/signature-entry.js';
import { PRESETS } from '../../../src/policy/presets.js';
import { TrustStore } from '../../../src/trust/trust-store.js';
import { verifyPackage } from '../../../src/verify/verify-package.js';
import { transpileCli, type CliFromSources, type CliRun } from '../../helpers/cli-process.js';
import { buildManyEntriesZip } from '../../helpers/many-entries-zip.js';
import { makeSignedPackage } from '../../helpers/signed-package.js';
import { useTempDir } from '../../helpers/temp-files.js';

const temp = useTempDir();
const TIME_BOUND_SECONDS = 10;
const MEMORY_BOUND_MIB = 200;
let cli: CliFromSources;
/** A real CMS signature (of another package): integrity runs its full pass, then says NU3008. */
let signature: Buffer;

beforeAll(async () => {
  cli = transpileCli();
  const directory = mkdtempSync(join(tmpdir(), 'entry-limits-'));
  try {
    const archive = await openPackageArchive(
      await makeSignedPackage({ directory, id: 'Signature.Donor' }),
    );
    try {
      signature = (await readSignatureEntry(archive)).bytes;
    } finally {
      await archive.file.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}, 120_000);

afterAll(() => cli?.remove());

interface JsonResult {
  readonly valid: boolean;
  readonly issues: readonly { readonly code: string }[];
}

/** Runs `verify --json` on the archive and checks the bounds; returns the issue codes. */
function verifyInChildProcess(name: string, bytes: Buffer): { codes: string[]; run: CliRun } {
  const path = temp.write(name, bytes);
  const run = cli.run(['verify', '--json', path], { NUGET_CERT_REVOCATION_MODE: 'offline' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(1);
  const [result] = (JSON.parse(run.stdout) as { results: JsonResult[] }).results;
  expect(result?.valid).toBe(false);
  expect(run.seconds).toBeLessThan(TIME_BOUND_SECONDS);
  expect(run.peakRssMiB).toBeLessThan(MEMORY_BOUND_MIB);
  return { codes: (result?.issues ?? []).map((i) => i.code), run };
}

describe(`archives of ${LIMITS.maxEntries} entries (the limit)`, () => {
  it(`verifies a signed one to NU3008 in under ${TIME_BOUND_SECONDS} s and ${MEMORY_BOUND_MIB} MiB`, () => {
    // The nuspec and the signature make up the count.
    const zip = buildManyEntriesZip({ entries: LIMITS.maxEntries - 2, signature });
    const { codes } = verifyInChildProcess('million-signed.nupkg', zip);
    expect(codes).toContain('NU3008');
  });

  it(`verifies an unsigned one to NU3004, its nuspec found after every other entry`, () => {
    const zip = buildManyEntriesZip({ entries: LIMITS.maxEntries - 1 });
    const { codes } = verifyInChildProcess('million-unsigned.nupkg', zip);
    expect(codes).toEqual(['NU3004']);
  });
});

describe('500,000 overlapping entries (every record points at one local header)', () => {
  it(`verifies them, signed, to NU3008 in under ${TIME_BOUND_SECONDS} s and ${MEMORY_BOUND_MIB} MiB`, () => {
    const zip = buildManyEntriesZip({ entries: 500_000, overlapping: true, signature });
    const { codes } = verifyInChildProcess('overlapping-signed.nupkg', zip);
    expect(codes).toContain('NU3008');
  });
});

describe('one entry over the limit', () => {
  it('reports NUPKG004 when the directory holds more entries than the limit, whatever it declares', async () => {
    const zip = buildManyEntriesZip({ entries: LIMITS.maxEntries });
    // The Zip64 end record declares 10 entries; NuGet's walk goes on to the last header.
    const record = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
    zip.writeBigUInt64LE(10n, record + 24);
    zip.writeBigUInt64LE(10n, record + 32);
    const started = performance.now();
    const result = await verifyPackage(temp.write('over-the-limit.nupkg', zip), {
      policy: PRESETS.verify,
      now: new Date(),
      trust: { codeSigning: TrustStore.empty(), timestamping: TrustStore.empty() },
    });
    expect(performance.now() - started).toBeLessThan(TIME_BOUND_SECONDS * 1000);
    expect(result.valid).toBe(false);
    expect(result.issues.map((i) => i.code)).toEqual(['NUPKG004']);
    expect(result.issues[0]?.message).toContain(`over the limit of ${LIMITS.maxEntries}`);
  });
});
