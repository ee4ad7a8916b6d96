import { lstatSync, opendirSync, statSync, type Dir, type Dirent, type Stats } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
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

/** A directory waiting to be read: kept small, a wide tree can queue 150,000 of them. */
interface PendingDirectory {
  readonly path: string;
  readonly state: MatchState;
  readonly viaSymlink: boolean;
  /**
   * Device, inode and match state: the same for every path or link that reaches this directory
   * in this state (a second visit could only find the same files).
   */
  readonly visit: string;
}

/** Entries read from the OS per call: a directory of 150,000 names is never held at once. */
const DIRECTORY_BUFFER = 128;
/** Entries handled between two turns of the event loop (timers, signals) during a long walk. */
const ENTRIES_PER_TURN = 4096;

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
  const base = statOrUndefined(pattern.base);
  if (!base?.isDirectory()) return; // nothing there: the caller says the argument names nothing
  const baseDisplay = pattern.absolute ? pattern.base : relative(cwd, pattern.base) || '.';
  const candidate = (path: string, viaSymlink: boolean): Candidate => ({
    path,
    display: join(baseDisplay, path.slice(pattern.base.length)),
    viaSymlink,
  });
  const seen = new Set<string>();
  const visitOf = (identity: string, state: MatchState) => `${identity}|${matcher.stateId(state)}`;
  /** Marks a directory as reached in its match state; false when it was reached before. */
  const firstVisit = (directory: PendingDirectory): boolean => {
    if (seen.has(directory.visit)) {
      counts.directoriesReachedAgain++;
      return false;
    }
    seen.add(directory.visit);
    return true;
  };
  const state = matcher.start();
  const root = {
    path: pattern.base,
    state,
    viaSymlink: false,
    visit: visitOf(identityOf(base), state),
  };
  const stack: PendingDirectory[] = [root];
  firstVisit(root);

  let entriesSinceTurn = 0;
  for (let directory = stack.pop(); directory; directory = stack.pop()) {
    counts.directoriesWalked++;
    const firstChild = stack.length;
    const listing = openDirectory(directory.path);
    try {
      for (let entry = listing.readSync(); entry; entry = listing.readSync()) {
        if (++entriesSinceTurn >= ENTRIES_PER_TURN) {
          entriesSinceTurn = 0;
          await nextTurn();
        }
        const state = matcher.step(directory.state, entry.name);
        const matches = matcher.matches(state);
        if (isPlainFile(entry)) {
          // The common case: one name test, no system call.
          counts.filesConsidered++;
          if (matches)
            onCandidate(candidate(join(directory.path, entry.name), directory.viaSymlink));
          continue;
        }
        const descend = matcher.canDescend(state);
        const path = join(directory.path, entry.name);
        const kind = entryKind(entry, path, matches || descend);
        const viaSymlink = directory.viaSymlink || kind.symlink;
        if (kind.symlink && (kind.target === 'directory' || kind.target === 'other'))
          counts.symlinksFollowed++;
        if (kind.target === 'directory') {
          // A directory named like a package is reported when the pattern selects it.
          if (matches && /\.nupkg$/i.test(entry.name)) onCandidate(candidate(path, viaSymlink));
          if (descend && kind.identity !== undefined)
            stack.push({ path, state, viaSymlink, visit: visitOf(kind.identity, state) });
          continue;
        }
        counts.filesConsidered++;
        if (matches) onCandidate(candidate(path, viaSymlink));
      }
    } catch (error) {
      throw unreadableDirectory(directory.path, error);
    } finally {
      listing.closeSync();
    }
    enterInNameOrder(stack, firstChild, firstVisit);
  }
}

/**
 * Keeps the subdirectories just pushed (from `first` on) that are reached for the first time,
 * deciding in name order whatever order the file system listed them in, so which of two links
 * to one directory is searched (and so which path is shown) does not depend on the disk; the
 * first in name order ends on top of the stack.
 */
function enterInNameOrder(
  stack: PendingDirectory[],
  first: number,
  firstVisit: (directory: PendingDirectory) => boolean,
): void {
  if (stack.length === first) return;
  const children = stack.splice(first).sort((a, b) => compareNames(a.path, b.path));
  const entered = children.filter(firstVisit);
  for (let i = entered.length - 1; i >= 0; i--) stack.push(entered[i] as PendingDirectory);
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
  /**
   * `other`: a file of any type; `dangling`: a link that does not resolve (missing target, or a
   * loop of links); `unknown`: a link not followed because nothing at or below it could match.
   */
  readonly target: 'directory' | 'other' | 'dangling' | 'unknown';
  /** For a directory: its device and inode (loop detection). */
  readonly identity?: string;
}

/**
 * What an entry is, following a symbolic link (only when it matters: a link the pattern can
 * neither match nor descend through is left alone). A dangling or looping link is a candidate
 * when its name matches, reported when opened.
 */
function entryKind(entry: Dirent, path: string, relevant: boolean): EntryKind {
  let symlink = entry.isSymbolicLink();
  let directory = entry.isDirectory();
  if (!symlink && !directory && !isPlainFile(entry)) {
    // Some file systems do not give the type with the name (DT_UNKNOWN).
    const info = lstatOrUndefined(path);
    symlink = info?.isSymbolicLink() ?? false;
    directory = info?.isDirectory() ?? false;
  }
  if (!symlink && !directory) return { symlink: false, target: 'other' };
  if (symlink && !relevant) return { symlink: true, target: 'unknown' };
  const info = statOrUndefined(path);
  if (!info) return { symlink, target: symlink ? 'dangling' : 'other' };
  if (!info.isDirectory()) return { symlink, target: 'other' };
  return { symlink, target: 'directory', identity: identityOf(info) };
}

function identityOf(info: Stats): string {
  return `${info.dev}:${info.ino}`;
}

/**
 * Directories are read synchronously, a batch of names per system call, with a turn of the event
 * loop every few thousand entries: an asynchronous open, read and close per directory costs
 * three thread-pool round trips, which made a folder of 150,000 subfolders take ~50 s instead of ~5.
 */
function openDirectory(path: string): Dir {
  try {
    return opendirSync(path, { bufferSize: DIRECTORY_BUFFER });
  } catch (error) {
    throw unreadableDirectory(path, error);
  }
}

/** Follows links; undefined for a missing target, a loop of links (ELOOP) or no permission. */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
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
