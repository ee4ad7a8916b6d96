import type { ExpansionSummary } from '../files/expand-packages.js';

/**
 * What expanding FILE|DIR|GLOB looked at, in one clause for a summary line: how many files were
 * considered and matched, and everything handled specially (links followed, paths to a file
 * already listed, directories not searched twice). A gate says what it looked at.
 */
export function describeExpansion(summary: ExpansionSummary): string {
  const parts = [
    `${count(summary.filesConsidered, 'file')} considered`,
    `${summary.matched} matched`,
  ];
  if (summary.symlinksFollowed > 0)
    parts.push(`${count(summary.symlinksFollowed, 'symbolic link')} followed`);
  if (summary.duplicatePaths > 0)
    parts.push(`${count(summary.duplicatePaths, 'path')} to a file already listed, counted once`);
  if (summary.directoriesReachedAgain > 0) {
    parts.push(
      `${count(summary.directoriesReachedAgain, 'directory', 'directories')} reached again through a link (a loop or a second link), not searched twice`,
    );
  }
  return parts.join(', ');
}

/** The `search` member of the JSON documents: the same facts, by name. */
export function searchDocument(summary: ExpansionSummary): Record<string, number> {
  return {
    filesConsidered: summary.filesConsidered,
    matched: summary.matched,
    directoriesSearched: summary.directoriesWalked,
    symlinksFollowed: summary.symlinksFollowed,
    duplicatePaths: summary.duplicatePaths,
    directoriesReachedAgain: summary.directoriesReachedAgain,
  };
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
