import { toAnnotations } from '../../../../src/report/github/annotations.js';
import {
  collectFindings,
  findingText,
  findingTitle,
} from '../../../../src/report/github/findings.js';
import { renderSarif } from '../../../../src/report/github/sarif.js';
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

describe('findings about one signature', () => {
  const findings = collectFindings([
    result('p.nupkg', [
      { code: 'NU3037', level: 'error', message: 'expired', signature: 'primary' },
      { code: 'NU3028', level: 'warning', message: 'tsa', signature: 'primary-timestamp' },
      { code: 'NU3008', level: 'error', message: 'tampered' },
    ]),
  ]);

  it('name the signature in the annotation title and lead the report text with it', () => {
    expect(findings.map((f) => [findingTitle(f), findingText(f)])).toEqual([
      ['NU3037 (primary (author) signature)', 'primary (author) signature: expired'],
      ['NU3008', 'tampered'],
      [
        'NU3028 (timestamp of the primary (author) signature)',
        'timestamp of the primary (author) signature: tsa',
      ],
    ]);
  });

  it('reach annotations and SARIF with that name', () => {
    const [annotation] = toAnnotations(findings, { workspace: '/ws', cwd: '/ws' });
    expect(annotation).toMatchObject({ title: 'NU3037 (primary (author) signature)' });
    const sarif = JSON.stringify(
      renderSarif(findings, { version: '1', workspace: '/ws', cwd: '/ws' }),
    );
    expect(sarif).toContain('"text":"primary (author) signature: expired"');
  });
});
