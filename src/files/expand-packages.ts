import { lstat, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { NupkgSigningError } from '../errors.js';
import { directoryPattern, isGlob, parseGlobArgument } from './path-pattern.js';
import { emptyCounts, walkPattern, type Candidate, type WalkCounts } from './walk-pattern.js';

/** What expanding the arguments looked at and found: the run reports it with its verdicts. */
export interface ExpansionSummary extends Readonly<WalkCounts> {
  /** Paths the arguments select, before paths to the same real file are folded into one. */
  readonly matched: number;
  /** Selected paths that are another path (a link, `./x`, two arguments) to a file already listed. */
  readonly duplicatePaths: number;
}

export interface PackageExpansion {
  /** The packages to process, sorted, one per real file. */
  readonly files: string[];
  readonly summary: ExpansionSummary;
}

export interface ExpandOptions {
  readonly cwd?: string;
  /** An argument that selects nothing is skipped instead of refused (the action's allow-no-packages). */
  readonly allowNoMatch?: boolean;
}

/**
 * Turns the user's FILE|DIR|GLOB arguments into package paths: a file as given, a directory as
 * every `*.nupkg` below it, a glob (`*`, `**`, `?`) as the entries it matches (see walkPattern for
 * links, loops and dot-directories). Each real file is listed once, under its direct path when it
 * has one: a symbolic link to a file also named is the same package, a link to another file is
 * another package. An argument that selects nothing is a usage error (NUPKG003) naming it.
 */
export async function expandPackages(
  args: readonly string[],
  options: ExpandOptions = {},
): Promise<PackageExpansion> {
  const cwd = options.cwd ?? process.cwd();
  const counts = emptyCounts();
  const candidates: Candidate[] = [];
  for (const arg of args) {
    const before = { candidates: candidates.length, files: counts.filesConsidered };
    const add = (candidate: Candidate) => void candidates.push(candidate);
    const kind = await expandOne(arg, cwd, counts, add);
    if (candidates.length === before.candidates && !options.allowNoMatch) {
      throw new NupkgSigningError(
        'NUPKG003',
        nothingSelected(arg, kind, counts.filesConsidered - before.files, cwd),
      );
    }
  }
  const files = await oneRealFileEach(candidates);
  return {
    files,
    summary: {
      ...counts,
      matched: candidates.length,
      duplicatePaths: candidates.length - files.length,
    },
  };
}

/** {@link expandPackages} without the summary, for callers that only need the paths. */
export async function expandPackageArguments(
  args: readonly string[],
  cwd = process.cwd(),
): Promise<string[]> {
  return (await expandPackages(args, { cwd })).files;
}

type ArgumentKind = 'glob' | 'directory' | 'missing' | 'file';

async function expandOne(
  arg: string,
  cwd: string,
  counts: WalkCounts,
  add: (candidate: Candidate) => void,
): Promise<ArgumentKind> {
  if (isGlob(arg)) {
    await walkPattern(parseGlobArgument(arg, cwd), cwd, counts, add);
    return 'glob';
  }
  const path = resolve(cwd, arg);
  const entry = await lstat(path).catch(() => undefined);
  if (!entry) return 'missing';
  const symlink = entry.isSymbolicLink();
  const target = symlink ? await stat(path).catch(() => undefined) : entry;
  if (symlink && target) counts.symlinksFollowed++;
  // `x.nupkg` that is a directory is named as a package: it is reported (NUPKG002) when opened.
  if (target?.isDirectory() && !/\.nupkg$/i.test(arg)) {
    await walkPattern(directoryPattern(arg, cwd), cwd, counts, add);
    return 'directory';
  }
  counts.filesConsidered++;
  add({ path, display: arg, viaSymlink: symlink });
  return 'file';
}

function nothingSelected(arg: string, kind: ArgumentKind, considered: number, cwd: string): string {
  const files = `${considered} ${considered === 1 ? 'file' : 'files'} considered`;
  switch (kind) {
    case 'directory':
      return `The directory '${arg}' has no package (*.nupkg) in it or below it (${files}). Check that the packages were built, or name another directory.`;
    case 'glob':
      return `No package matches '${arg}' (${files}). Check the pattern and the working directory (${cwd}).`;
    default:
      return `No such file or directory: '${arg}'.`;
  }
}

/**
 * One path per real file (symbolic links resolved), sorted. The path kept is one reached without
 * a link when there is one, else the first in order: the file is verified or signed once, under
 * the name a reader recognises. A path that does not resolve (a dangling link) is its own file.
 */
async function oneRealFileEach(candidates: readonly Candidate[]): Promise<string[]> {
  const byRealPath = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const key = await realpath(candidate.path).catch(() => candidate.path);
    const kept = byRealPath.get(key);
    if (!kept || preferred(candidate, kept)) byRealPath.set(key, candidate);
  }
  return [...byRealPath.values()].map((c) => c.display).sort();
}

function preferred(candidate: Candidate, kept: Candidate): boolean {
  if (candidate.viaSymlink !== kept.viaSymlink) return !candidate.viaSymlink;
  return candidate.display < kept.display;
}
