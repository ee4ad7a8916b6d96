/**
 * Short property-based fuzzing of the package reader and the signature parser (issue #8). The
 * long campaign is `npm run fuzz` (scripts/fuzz.mjs); both share scripts/fuzz/. Set
 * NUPKG_FUZZ_RUNS to change the number of cases per seed, NUPKG_FUZZ_SEED to replay.
 */
import fc from 'fast-check';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareSeed, runCase, type FuzzSeed, type Outcome } from '../../scripts/fuzz/harness.js';
import {
  applyMutation,
  mutationArbitrary,
  nuspecCaseArbitrary,
} from '../../scripts/fuzz/mutations.js';
import { verifyPackage } from '../../src/verify/verify-package.js';
import { FIXTURE_NOW, FIXTURE_SEEDS, fixtureSeed, testPkiSeed } from '../../scripts/fuzz/seeds.js';
import { createTestPki } from '../helpers/pki.js';
import { timestampAuthorityOf } from '../helpers/tsa.js';
import { startTsaServer, type TsaServer } from '../helpers/tsa-server.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';

/** Cases per real fixture (each is a full verification, ~50–300 ms); the test-PKI seed gets 3×. */
const RUNS = Number(process.env['NUPKG_FUZZ_RUNS'] ?? 30);
/** Fixed by default so the suite is reproducible; set NUPKG_FUZZ_SEED=random for a fresh one. */
const SEED_TEXT = process.env['NUPKG_FUZZ_SEED'] ?? '20261125';
const SEED = SEED_TEXT === 'random' ? undefined : Number(SEED_TEXT);
const NOW = new Date('2025-06-01T12:00:00Z');

let dir = '';
let tsa: TsaServer | undefined;
const seeds = new Map<string, FuzzSeed>();

beforeAll(async () => {
  dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'nupkg-fuzz-'));
  for (const name of FIXTURE_SEEDS) {
    const { bytes, options } = fixtureSeed(name);
    seeds.set(name, await prepareSeed(name, bytes, options, join(dir, 'seed.nupkg')));
  }
  const pki = await createTestPki();
  tsa = await startTsaServer(timestampAuthorityOf(pki, () => NOW));
  const path = join(dir, 'test-pki.nupkg');
  writeFileSync(path, buildZip({ entries: [nuspecEntry('Fuzz.Seed', '1.0.0')] }));
  const signed = await testPkiSeed(
    path,
    {
      rootDer: pki.root.certificate,
      leafDer: pki.leaf.certificate,
      leafKey: pki.leaf.keyObject,
      chainDers: [pki.intermediate.certificate],
      timestampRootDer: pki.tsaRoot.certificate,
      timestampUrl: tsa.url,
    },
    NOW,
  );
  seeds.set('test-pki', await prepareSeed('test-pki', signed.bytes, signed.options, path));
}, 60_000);

afterAll(async () => {
  await tsa?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function describeOutcome(outcome: Outcome): string {
  return outcome.kind === 'ok' ? 'ok' : `${outcome.kind}: ${outcome.detail}`;
}

describe('fuzzing verifyPackage with structured mutations', () => {
  it.each([...FIXTURE_SEEDS, 'test-pki'])(
    'of %s never crashes, always gives a code, never accepts changed signed bytes, finishes in time',
    async (name) => {
      const seed = seeds.get(name) as FuzzSeed;
      const counts = { valid: 0, invalid: 0 };
      await fc.assert(
        fc.asyncProperty(mutationArbitrary, async (mutation) => {
          const outcome = await runCase(seed, mutation, join(dir, 'case.nupkg'));
          if (outcome.kind === 'ok') counts[outcome.valid ? 'valid' : 'invalid']++;
          expect(describeOutcome(outcome)).toBe('ok');
        }),
        {
          numRuns: name === 'test-pki' ? 3 * RUNS : RUNS,
          ...(SEED === undefined ? {} : { seed: SEED }),
        },
      );
      // Most mutations must break the package; some legitimately do not (unsigned parts).
      expect(counts.invalid).toBeGreaterThan(counts.valid);
    },
    120_000,
  );

  describe('regressions found by fuzzing', () => {
    it('reports a code, not a pkijs exception, for a timestamp SignerInfo pkijs cannot read', async () => {
      const seed = seeds.get('k4os.hash.xxhash.1.0.6.nupkg') as FuzzSeed;
      const mutation = {
        cms: [{ kind: 'remove-child' as const, set: 917999, child: 502443763 }],
        zip: [],
      };
      const outcome = await runCase(seed, mutation, join(dir, 'regression-1.nupkg'));
      expect(outcome).toMatchObject({ kind: 'ok', valid: false });
    });

    it('refuses an AlgorithmIdentifier with elements after its parameters (NU3003), as .NET does', async () => {
      const seed = seeds.get('k4os.hash.xxhash.1.0.6.nupkg') as FuzzSeed;
      const mutation = {
        cms: [{ kind: 'duplicate-child' as const, set: 627766637, child: 148699088 }],
        zip: [],
      };
      const path = join(dir, 'regression-2.nupkg');
      writeFileSync(path, applyMutation(seed, mutation));
      const result = await verifyPackage(path, seed.options);
      expect(result.valid).toBe(false);
      expect(result.issues.map((i) => i.code)).toEqual(['NU3003']);
    });
  });

  it('evaluates the real fixtures at a fixed time', () => {
    expect(FIXTURE_NOW.toISOString()).toBe('2026-11-25T07:30:00.000Z');
    expect(seeds.get('system.buffers.4.5.1.nupkg')?.timestampRequired).toBe(true);
  });
});

describe('fuzzing verifyPackage with nuspec-text mutations (issue 11)', () => {
  it.each([...FIXTURE_SEEDS, 'test-pki'])(
    'of %s (whitespace runs, repeated/unclosed tags, nesting, DTDs, encodings): coded, in time, never accepted',
    async (name) => {
      const seed = seeds.get(name) as FuzzSeed;
      await fc.assert(
        fc.asyncProperty(nuspecCaseArbitrary, async (mutation) => {
          const outcome = await runCase(seed, mutation, join(dir, 'nuspec-case.nupkg'));
          expect(describeOutcome(outcome)).toBe('ok');
        }),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    },
    120_000,
  );

  // The encodings NuGet reads (see scripts/fuzz/nuspec-mutations.ts ENCODINGS): UTF-8 with BOM,
  // UTF-16 LE/BE with and without BOM, Latin-1 by declaration, UTF-32 with BOM.
  it.each([0, 1, 2, 3, 4, 7, 9])(
    're-encoding %i: the id is still read (the signature no longer matches)',
    async (how) => {
      const seed = seeds.get('test-pki') as FuzzSeed;
      const path = join(dir, `encoding-${how}.nupkg`);
      writeFileSync(
        path,
        applyMutation(seed, { cms: [], zip: [], nuspec: [{ kind: 'encoding', how }] }),
      );
      const result = await verifyPackage(path, seed.options);
      expect(result.package).toEqual({ id: 'Fuzz.Seed', version: '1.0.0' });
      expect(result.issues.map((i) => i.code)).toContain('NU3008');
    },
  );
});
