import type { ExpansionSummary } from '../../../src/files/expand-packages.js';
import { describeExpansion, searchDocument } from '../../../src/report/expansion.js';

const summary = (overrides: Partial<ExpansionSummary> = {}): ExpansionSummary => ({
  filesConsidered: 1,
  matched: 1,
  directoriesWalked: 1,
  symlinksFollowed: 0,
  duplicatePaths: 0,
  directoriesReachedAgain: 0,
  ...overrides,
});

describe('#describeExpansion', () => {
  it('for a plain search, says how many files were considered and matched, in the singular for one', () => {
    expect(describeExpansion(summary())).toBe('1 file considered, 1 matched');
    expect(describeExpansion(summary({ filesConsidered: 0, matched: 0 }))).toBe(
      '0 files considered, 0 matched',
    );
  });

  it('names links followed, duplicate paths and directories reached again', () => {
    expect(
      describeExpansion(
        summary({
          filesConsidered: 7,
          matched: 5,
          symlinksFollowed: 2,
          duplicatePaths: 1,
          directoriesReachedAgain: 3,
        }),
      ),
    ).toBe(
      '7 files considered, 5 matched, 2 symbolic links followed, 1 path to a file already listed, counted once, 3 directories reached again through a link (a loop or a second link), not searched twice',
    );
  });
});

describe('#searchDocument', () => {
  it('gives the same counts by name, directoriesWalked as directoriesSearched', () => {
    expect(searchDocument(summary({ directoriesWalked: 4, duplicatePaths: 2 }))).toEqual({
      filesConsidered: 1,
      matched: 1,
      directoriesSearched: 4,
      symlinksFollowed: 0,
      duplicatePaths: 2,
      directoriesReachedAgain: 0,
    });
  });
});
