import { renderJson } from '../../../src/report/json.js';
import { packageResult } from '../../helpers/report-inputs.js';

const SUMMARY = {
  filesConsidered: 4,
  matched: 2,
  directoriesWalked: 3,
  symlinksFollowed: 1,
  duplicatePaths: 0,
  directoriesReachedAgain: 0,
};

describe('#renderJson', () => {
  it('for results alone, writes { results } with the contract fields', () => {
    const results = [
      packageResult('a.nupkg', []),
      packageResult('b.nupkg', [{ code: 'NU3004', level: 'error', message: 'not signed' }]),
    ];
    expect(JSON.parse(renderJson(results))).toEqual({
      results: [
        { file: 'a.nupkg', valid: true, signature: 'author', countersigned: false, issues: [] },
        {
          file: 'b.nupkg',
          valid: false,
          signature: 'author',
          countersigned: false,
          issues: [{ code: 'NU3004', level: 'error', message: 'not signed' }],
        },
      ],
    });
  });

  it('with an expansion, adds search with the counts by name', () => {
    expect(JSON.parse(renderJson([], SUMMARY))).toEqual({
      results: [],
      search: {
        filesConsidered: 4,
        matched: 2,
        directoriesSearched: 3,
        symlinksFollowed: 1,
        duplicatePaths: 0,
        directoriesReachedAgain: 0,
      },
    });
  });

  it('with nuget.config files (even none), names them under nugetConfig', () => {
    expect(JSON.parse(renderJson([], undefined, ['/ws/nuget.config']))).toEqual({
      results: [],
      nugetConfig: { files: ['/ws/nuget.config'] },
    });
    expect(JSON.parse(renderJson([], undefined, []))).toEqual({
      results: [],
      nugetConfig: { files: [] },
    });
  });

  it('with a hostile file name, escapes log-active characters but parses back to the same value', () => {
    const file = 'evil\n::error::x\u001b[31m.nupkg';
    const text = renderJson([packageResult(file, [])]);
    expect(text).not.toContain('\n::error::');
    expect(text).not.toContain('\u001b');
    expect((JSON.parse(text) as { results: { file: string }[] }).results[0]?.file).toBe(file);
  });
});
