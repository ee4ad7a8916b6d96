import { withForwardSlashes } from '../../../src/action/report-paths.js';
import type { RunOutcome } from '../../../src/action/execute.js';

/**
 * On Windows a glob gives `artifacts\b.nupkg` and a named file `artifacts/a.nupkg`: the outputs,
 * the results file and the summary show both with `/`. On Linux and macOS `\` is part of a name.
 */
const outcome: RunOutcome = {
  packages: ['artifacts/a.nupkg', 'artifacts\\b.nupkg'],
  signing: [
    { file: 'artifacts\\b.nupkg', signed: true, outputPath: 'out\\b.nupkg', warnings: [] },
    { file: 'artifacts/a.nupkg', signed: false, warnings: [] },
  ],
  verifications: [
    {
      file: 'out\\b.nupkg',
      valid: true,
      signature: 'author',
      countersigned: false,
      issues: [],
    },
  ],
};

describe('#withForwardSlashes', () => {
  it('on Windows spells every package path with /', () => {
    const subject = withForwardSlashes(outcome, 'win32');
    expect(subject.packages).toEqual(['artifacts/a.nupkg', 'artifacts/b.nupkg']);
    expect(subject.signing.map((o) => [o.file, o.outputPath])).toEqual([
      ['artifacts/b.nupkg', 'out/b.nupkg'],
      ['artifacts/a.nupkg', undefined],
    ]);
    expect(subject.signing[1]).not.toHaveProperty('outputPath');
    expect(subject.verifications.map((r) => r.file)).toEqual(['out/b.nupkg']);
    expect(subject.verifications[0]?.valid).toBe(true);
  });

  it.each(['linux', 'darwin'] as const)(
    'on %s keeps a backslash as part of the name',
    (platform) => {
      expect(withForwardSlashes(outcome, platform)).toBe(outcome);
    },
  );
});
