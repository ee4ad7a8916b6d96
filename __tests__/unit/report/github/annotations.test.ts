import { toAnnotations } from '../../../../src/report/github/annotations.js';

const paths = { workspace: '/ws', cwd: '/ws' };

describe('toAnnotations', () => {
  it('maps info to notice and keeps paths outside the workspace absolute', () => {
    const subject = toAnnotations(
      [
        { file: 'pkgs/a.nupkg', code: 'NU3018', level: 'info', message: 'm' },
        { file: '/elsewhere/b.nupkg', code: 'NU3004', level: 'error', message: 'n' },
      ],
      paths,
    );
    expect(subject).toEqual([
      { level: 'notice', title: 'NU3018', file: 'pkgs/a.nupkg', message: 'pkgs/a.nupkg: m' },
      {
        level: 'error',
        title: 'NU3004',
        file: '/elsewhere/b.nupkg',
        message: '/elsewhere/b.nupkg: n',
      },
    ]);
  });
});
