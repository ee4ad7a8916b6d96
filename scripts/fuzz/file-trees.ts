/**
 * File-system shapes for the fuzz campaign (issue 11, findings 3 and 4): random trees of
 * directories (dot-directories, node_modules, one named like a package), packages, FIFOs, wide
 * folders and symbolic links (to files, to directories, to an ancestor, to itself, to nothing).
 * The property: expanding the tree as a DIR and as a `**` glob finishes in bounded time, and every
 * entry named like a package that can be reached — a regular file through any chain of links, a
 * FIFO, a dangling link, a directory — is listed, so it is verified or reported (NUPKG002 when
 * opened, at once); nothing else is listed. A tree is plain data, so fast-check shrinks and
 * replays it from a seed.
 */
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import fc from 'fast-check';
import { isNupkgSigningError } from '../../src/errors.js';
import { expandPackages } from '../../src/files/expand-packages.js';
import { RandomAccessFile } from '../../src/package/random-access-file.js';

const DIRECTORY_NAMES = ['a', 'B', '.hidden', 'node_modules', '.git', 'Looks.nupkg'] as const;
const ENTRY_NAMES = ['p.nupkg', 'Q.NUPKG', '.dot.nupkg', 'readme.txt', 'z.nupkg.bak'] as const;
const ENTRY_KINDS = [
  'file',
  'fifo',
  'link-to-file',
  'link-to-directory',
  'link-to-ancestor',
  'link-to-itself',
  'link-to-nothing',
] as const;

export interface TreeShape {
  /** Directory i (1-based; 0 is the root) is created in directory `parent % i`. */
  readonly directories: readonly { readonly parent: number; readonly name: number }[];
  readonly entries: readonly {
    readonly directory: number;
    readonly name: number;
    readonly kind: number;
    readonly target: number;
    readonly relativeLink: boolean;
  }[];
  /** A wide folder: this many empty files in one directory. */
  readonly wide: { readonly directory: number; readonly files: number };
}

/** Trees of up to 8 directories and 24 entries, and a folder of up to `maxWide` files. */
export function treeArbitrary(maxWide = 3000): fc.Arbitrary<TreeShape> {
  const index = fc.nat({ max: 1000 });
  return fc.record({
    directories: fc.array(fc.record({ parent: index, name: index }), { maxLength: 8 }),
    entries: fc.array(
      fc.record({
        directory: index,
        name: index,
        kind: index,
        target: index,
        relativeLink: fc.boolean(),
      }),
      { maxLength: 24 },
    ),
    wide: fc.record({ directory: index, files: fc.nat({ max: maxWide }) }),
  });
}

const canMakeFifo = (() => {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Creates the tree below `root` (an empty directory). Collisions of names are skipped. */
export function buildTree(root: string, shape: TreeShape): void {
  const directories = [root];
  for (const { parent, name } of shape.directories) {
    const path = join(
      directories[parent % directories.length] as string,
      DIRECTORY_NAMES[name % DIRECTORY_NAMES.length] as string,
    );
    if (!exists(path)) mkdirSync(path);
    directories.push(path);
  }
  const pick = (n: number) => directories[n % directories.length] as string;
  const files: string[] = [];
  const wideIn = pick(shape.wide.directory);
  for (let i = 0; i < shape.wide.files; i++) writeFileSync(join(wideIn, `w${i}.txt`), '');
  // Regular files and FIFOs first, so links have targets.
  const later: (typeof shape.entries)[number][] = [];
  for (const entry of shape.entries) {
    const kind = ENTRY_KINDS[entry.kind % ENTRY_KINDS.length];
    const path = join(
      pick(entry.directory),
      ENTRY_NAMES[entry.name % ENTRY_NAMES.length] as string,
    );
    if (exists(path)) continue;
    if (kind === 'file') {
      writeFileSync(path, 'PK\x05\x06');
      files.push(path);
    } else if (kind === 'fifo' && canMakeFifo) execFileSync('mkfifo', [path]);
    else if (kind !== 'fifo') later.push(entry);
  }
  for (const entry of later) {
    const kind = ENTRY_KINDS[entry.kind % ENTRY_KINDS.length];
    const from = pick(entry.directory);
    const path = join(from, ENTRY_NAMES[entry.name % ENTRY_NAMES.length] as string);
    if (exists(path)) continue;
    let target: string;
    if (kind === 'link-to-file')
      target = files.length ? (files[entry.target % files.length] as string) : join(root, 'none');
    else if (kind === 'link-to-directory') target = pick(entry.target);
    else if (kind === 'link-to-ancestor') target = ancestor(root, from, entry.target);
    else if (kind === 'link-to-itself') target = path;
    else target = join(from, 'missing.nupkg');
    symlinkSync(entry.relativeLink ? relative(from, target) || '.' : target, path);
  }
}

function ancestor(root: string, from: string, n: number): string {
  const chain = [from];
  while (chain[chain.length - 1] !== root) chain.push(dirname(chain[chain.length - 1] as string));
  return chain[n % chain.length] as string;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The reference: every entry named `*.nupkg` reachable below `root`, following links, each
 * directory walked once by its real path. Keyed like the check below: the real path, or for an
 * entry that does not resolve, its real directory and its name.
 */
export function reachablePackages(root: string): Set<string> {
  const found = new Set<string>();
  const walked = new Set<string>();
  const pending = [root];
  while (pending.length > 0) {
    const directory = pending.pop() as string;
    const real = realpathSync(directory);
    if (walked.has(real)) continue;
    walked.add(real);
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      let isDirectory = false;
      try {
        isDirectory = statSync(path).isDirectory();
      } catch {
        // dangling or looping link: a candidate by its name
      }
      if (/\.nupkg$/i.test(name)) found.add(identity(path));
      if (isDirectory) pending.push(path);
    }
  }
  return found;
}

function identity(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return join(realpathSync(dirname(path)), basename(path));
  }
}

export interface TreeOutcome {
  readonly ok: boolean;
  readonly detail: string;
  readonly ms: number;
}

/** Expands the tree both ways, compares with the reference, opens every listed entry. */
export async function checkTree(root: string, timeLimitMs: number): Promise<TreeOutcome> {
  const started = performance.now();
  const expected = reachablePackages(root);
  const problems: string[] = [];
  for (const arg of [root, join(root, '**', '*.nupkg')]) {
    let files: string[];
    try {
      files = (await expandPackages([arg], { allowNoMatch: true })).files;
    } catch (error) {
      problems.push(`${arg}: threw ${String(error)}`);
      continue;
    }
    const listed = new Set(files.map(identity));
    for (const key of expected)
      if (!listed.has(key)) problems.push(`${arg}: dropped ${relative(root, key)}`);
    for (const key of listed)
      if (!expected.has(key)) problems.push(`${arg}: listed ${relative(root, key)}, not a package`);
    for (const file of files) {
      const outcome = await openOutcome(file);
      if (outcome !== 'opened' && outcome !== 'NUPKG002')
        problems.push(`${file}: opening gave ${outcome}`);
    }
  }
  const ms = performance.now() - started;
  if (ms > timeLimitMs) problems.push(`took ${Math.round(ms)} ms`);
  return { ok: problems.length === 0, detail: problems.join('; '), ms };
}

async function openOutcome(path: string): Promise<string> {
  try {
    await (await RandomAccessFile.open(path)).close();
    return 'opened';
  } catch (error) {
    return isNupkgSigningError(error) ? error.code : String(error);
  }
}
