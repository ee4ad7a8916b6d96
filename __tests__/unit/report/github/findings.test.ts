import { collectFindings } from '../../../../src/report/github/findings.js';
import { packageResult as result } from '../../../helpers/report-inputs.js';

describe('collectFindings', () => {
  it('puts errors first, then warnings, grouped by package, and leaves information notes out', () => {
    const subject = collectFindings([
      result('b.nupkg', [
        { code: 'NU3027', level: 'warning', message: 'w' },
        { code: 'NU3008', level: 'error', message: 'e' },
      ]),
      result('a.nupkg', [
        { code: 'NU3018', level: 'info', message: 'i' },
        { code: 'NU3004', level: 'error', message: 'e' },
      ]),
    ]);
    expect(subject.map((f) => `${f.level} ${f.file} ${f.code}`)).toEqual([
      'error a.nupkg NU3004',
      'error b.nupkg NU3008',
      'warning b.nupkg NU3027',
    ]);
  });

  it('turns a signing error into an error finding', () => {
    const subject = collectFindings(
      [],
      [
        {
          file: 'x.nupkg',
          signed: false,
          warnings: [],
          error: { code: 'NU3001', message: 'already signed' },
        },
      ],
    );
    expect(subject).toEqual([
      { file: 'x.nupkg', code: 'NU3001', level: 'error', message: 'already signed' },
    ]);
  });
});
