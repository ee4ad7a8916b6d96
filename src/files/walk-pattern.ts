import type { Dir, Dirent, Stats } from 'node:fs';
import { lstat, opendir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { NupkgSigningError, describeError } from '../errors.js';
import type { MatchState, PathPattern } from './path-pattern.js';

/** A path the pattern selects: a package to process, whatever its file type turns out to be. */
export interface Candidate {
  /** Absolute path, as reached (through links, not resolved). */
  readonly path: string;
  /** How it is shown: relative to the working directory, or absolute for an absolute argument. */
  readonly display: string;
  /** Reached through a symbolic link (the entry itself or a directory on the way). */
  readonly viaSymlink: boolean;
}

/** What a walk met, for the run's summary: a gate says what it looked at. */
export interface WalkCounts {
  /** Entries that are not directories walked into: files, links, FIFOs, devices, sockets. */
  filesConsidered: number;
  directoriesWalked: number;
  symlinksFollowed: number;
  /** A directory reached again in the same match state (a link to an ancestor: a loop, or a second
   * link to a directory already walked): not walked twice, because it can only give the same files. */
  directoriesReachedAgain: number;
}

export function emptyCounts(): WalkCounts {
  return {
    filesConsidered: 0,
    directoriesWalked: 0,
    symlinksFollowed: 0,
    directoriesReachedAgain: 0,
  };
}

interface PendingDirectory {
  readonly path: string;
  readonly display: string;
  readonly state: MatchState;
  readonly viaSymlink: boolean;
}

interface Subdirectory {
  readonly directory: PendingDirectory;
  readonly info: Stats;
}

/** Entries read from the OS per call: a directory of 150,000 names is never held at once. */
const DIRECTORY_BUFFER = 256;

/**
 * Walks the tree below `pattern.base` without recursion (a stack of pending directories), in
 * memory that grows with the number of directories and matches, not files. Follows symbolic
 * links to files and directories, as `dotnet nuget push` does; walks dot-directories and
 * node_modules like any other. A directory is walked at most once per match state, identified by
 * device and inode, so a link to an ancestor ends instead of looping and a tree of links to links
 * cannot grow exponentially. Every entry the pattern selects is a candidate, whatever its type:
 * a FIFO, a device, a dangling link or a directory named like a package is reported by whoever
 * opens it (NUPKG002), never dropped here. A directory that cannot be listed fails the run
 * (NUPKG002): what it holds would otherwise go unverified without a word.
 */
export async function walkPattern(
  pattern: PathPattern,
  cwd: string,
  counts: WalkCounts,
  onCandidate: (candidate: Candidate) => void,
): Promise<void> {
  const { matcher } = pattern;
  const seen = new Set<string>();
  const base = await stat(pattern.base).catch(() => undefined);
  if (!base?.isDirectory()) return; // nothing there: the caller says the argument names nothing
  /** Marks a directory as reached in its match state; false when it was reached before. */
  const firstVisit = (directory: PendingDirectory, info: Stats): boolean => {
    const key = `${info.dev}:${info.ino}|${directory.state.join(',')}`;
    if (seen.has(key)) {
      counts.directoriesReachedAgain++;
      return false;
    }
    seen.add(key);
    return true;
  };
  const start = { path: pattern.base, display: shown(pattern, cwd), state: matcher.start() };
  const stack: PendingDirectory[] = [{ ...start, viaSymlink: false }];
  firstVisit(stack[0] as PendingDirectory, base);

  for (let directory = stack.pop(); directory; directory = stack.pop()) {
    counts.directoriesWalked++;
    const subdirectories: Subdirectory[] = [];
    const listing = await openDirectory(directory.path);
    try {
      for await (const entry of listing) {
        const state = matcher.step(directory.state, entry.name);
        const matches = matcher.matches(state);
        if (isPlainFile(entry)) {
          // The common case, kept synchronous: 150,000 names cost one name test each.
          counts.filesConsidered++;
          if (matches) onCandidate(candidate(directory, entry.name, false));
          continue;
        }
        const descend = matcher.canDescend(state);
        const path = join(directory.path, entry.name);
        const kind = await entryKind(entry, path, matches || descend);
        if (kind.symlink && kind.target !== 'unknown') counts.symlinksFollowed++;
        if (kind.target === 'directory') {
          // A directory named like a package is reported when the pattern selects it.
          if (matches && /\.nupkg$/i.test(entry.name))
            onCandidate(candidate(directory, entry.name, kind.symlink));
          if (descend && kind.info) {
            const next = candidate(directory, entry.name, kind.symlink);
            subdirectories.push({ directory: { ...next, state }, info: kind.info });
          }
          continue;
        }
        counts.filesConsidered++;
        if (matches) onCandidate(candidate(directory, entry.name, kind.symlink));
      }
    } catch (error) {
      throw unreadableDirectory(directory.path, error);
    }
    // In name order, whatever order the file system lists them in: which of two links to one
    // directory is searched (and so which path is shown) does not depend on the disk.
    subdirectories.sort((a, b) => compareNames(a.directory.path, b.directory.path));
    const entered = subdirectories.filter(({ directory: next, info }) => firstVisit(next, info));
    for (let i = entered.length - 1; i >= 0; i--)
      stack.push((entered[i] as Subdirectory).directory);
  }
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function candidate(directory: PendingDirectory, name: string, symlink: boolean): Candidate {
  return {
    path: join(directory.path, name),
    display: join(directory.display, name),
    viaSymlink: directory.viaSymlink || symlink,
  };
}

/** A regular file, FIFO, socket or device: nothing to follow, a candidate by its name alone. */
function isPlainFile(entry: Dirent): boolean {
  return (
    entry.isFile() ||
    entry.isFIFO() ||
    entry.isSocket() ||
    entry.isBlockDevice() ||
    entry.isCharacterDevice()
  );
}

interface EntryKind {
  readonly symlink: boolean;
  /** `unknown`: a link not followed because nothing below or at it could match. */
  readonly target: 'directory' | 'other' | 'unknown';
  /** For a directory: its device and inode (loop detection). */
  readonly info?: Stats;
}

/**
 * What an entry is, following a symbolic link (only when it matters: a link the pattern can
 * neither match nor descend through is left alone). A dangling or looping link is `other`: a
 * candidate when its name matches, reported when opened.
 */
async function entryKind(entry: Dirent, path: string, relevant: boolean): Promise<EntryKind> {
  let symlink = entry.isSymbolicLink();
  let directory = entry.isDirectory();
  if (!symlink && !directory && !isPlainFile(entry)) {
    // Some file systems do not give the type with the name (DT_UNKNOWN).
    const info = await lstat(path).catch(() => undefined);
    symlink = info?.isSymbolicLink() ?? false;
    directory = info?.isDirectory() ?? false;
  }
  if (!symlink && !directory) return { symlink: false, target: 'other' };
  if (symlink && !relevant) return { symlink: true, target: 'unknown' };
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) return { symlink, target: 'other' };
  return { symlink, target: 'directory', info };
}

async function openDirectory(path: string): Promise<Dir> {
  try {
    return await opendir(path, { bufferSize: DIRECTORY_BUFFER });
  } catch (error) {
    throw unreadableDirectory(path, error);
  }
}

function unreadableDirectory(path: string, error: unknown): NupkgSigningError {
  if (error instanceof NupkgSigningError) return error;
  return new NupkgSigningError(
    'NUPKG002',
    `Cannot read the directory '${path}' (${describeError(error)}): packages in it would go unverified. Make it readable, or name the folders to verify.`,
    { file: path, cause: error },
  );
}

/** The base as the user will read it: as absolute as the argument was. */
function shown(pattern: PathPattern, cwd: string): string {
  return pattern.absolute ? pattern.base : relative(cwd, pattern.base) || '.';
}
