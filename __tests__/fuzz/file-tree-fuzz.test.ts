/**
 * Short property-based fuzzing of FILE|DIR|GLOB expansion on random file-system shapes (issue 11:
 * symlinks, loops, FIFOs, dot-directories, wide folders). The long campaign is
 * `npm run fuzz -- --kind trees`; both share scripts/fuzz/file-trees.ts. NUPKG_FUZZ_RUNS and
 * NUPKG_FUZZ_SEED work as in package-fuzz.test.ts.
 */
import fc from 'fast-check';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTree, checkTree, treeArbitrary } from '../../scripts/fuzz/file-trees.js';

const RUNS = Number(process.env['NUPKG_FUZZ_RUNS'] ?? 30);
const SEED_TEXT = process.env['NUPKG_FUZZ_SEED'] ?? '20261129';
const SEED = SEED_TEXT === 'random' ? undefined : Number(SEED_TEXT);
/** Each tree, both expansions and opening every listed entry; generous for a shared machine. */
const TIME_LIMIT_MS = 2000;

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'nupkg-tree-fuzz-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('fuzzing package expansion with random file trees', () => {
  it('lists every reachable package-named entry, and nothing else, and never hangs', async () => {
    let count = 0;
    await fc.assert(
      fc.asyncProperty(treeArbitrary(2000), async (shape) => {
        const root = join(dir, `case-${++count}`);
        mkdirSync(root);
        try {
          buildTree(root, shape);
          const outcome = await checkTree(root, TIME_LIMIT_MS);
          expect(outcome.detail).toBe('');
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  }, 120_000);
});
