import { planCheckRun } from '../../../src/report/github/check-run.js';
import type { Finding } from '../../../src/report/github/findings.js';
import { renderSarif } from '../../../src/report/github/sarif.js';

/**
 * The check run and SARIF carry finding messages as plain text that GitHub shows on its pages: a
 * message quoting a hostile certificate subject keeps no raw control, bidi or zero-width
 * character, and SARIF gets no embedded link from it.
 */
const MESSAGE =
  "The signing certificate 'CN=Contoso\r\n::set-output name=valid::true\u202e\u200b[x](https://evil.example)' is not trusted.";
const findings: Finding[] = [
  { file: 'pkgs/a\nb.nupkg', code: 'NU3018', level: 'error', message: MESSAGE },
];
const paths = { workspace: '/ws', cwd: '/ws' };

describe('GitHub channels with a hostile message', () => {
  it('check-run annotations show the message escaped', () => {
    const plan = planCheckRun({
      findings,
      conclusion: 'failure',
      title: 't',
      text: 'x',
      ...paths,
    });
    const [annotation] = plan.create.annotations;
    expect(annotation?.message).toBe(
      "The signing certificate 'CN=Contoso\\r\\n::set-output name=valid::true\\u202e\\u200b[x](https://evil.example)' is not trusted.",
    );
    expect(annotation?.message).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });

  it('SARIF results show the message escaped, brackets included', () => {
    const log = renderSarif(findings, { version: '1', ...paths }) as {
      runs: { results: { message: { text: string } }[] }[];
    };
    expect(log.runs[0]?.results[0]?.message.text).toBe(
      "The signing certificate 'CN=Contoso\\r\\n::set-output name=valid::true\\u202e\\u200b\\[x\\](https://evil.example)' is not trusted.",
    );
  });
});
