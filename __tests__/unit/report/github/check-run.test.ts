import { planCheckRun } from '../../../../src/report/github/check-run.js';
import type { Finding } from '../../../../src/report/github/findings.js';

const paths = { workspace: '/ws', cwd: '/ws' };

describe('planCheckRun', () => {
  const findings: Finding[] = Array.from({ length: 120 }, (_, i) => ({
    file: `p${i}.nupkg`,
    code: 'NU3004',
    level: 'error',
    message: 'not signed',
  }));

  it('splits 120 annotations into a create with 50 and updates with 50 and 20', () => {
    const subject = planCheckRun({
      findings,
      conclusion: 'failure',
      title: 't',
      text: 'x',
      ...paths,
    });
    expect(subject.conclusion).toBe('failure');
    expect([subject.create, ...subject.updates].map((o) => o.annotations.length)).toEqual([
      50, 50, 20,
    ]);
    expect(subject.updates[1]?.annotations[19]).toEqual({
      path: 'p119.nupkg',
      start_line: 1,
      end_line: 1,
      annotation_level: 'failure',
      title: 'NU3004',
      message: 'not signed',
    });
  });

  it('cuts the text to the API limit of 65535 characters', () => {
    const subject = planCheckRun({
      findings: [],
      conclusion: 'success',
      title: 't',
      text: 'y'.repeat(70000),
      ...paths,
    });
    expect(subject.create.text?.length).toBe(65535);
    expect(subject.create.text).toMatch(/see the job summary for the complete report\)$/);
    expect(subject.updates).toEqual([]);
  });

  it('drops a Mermaid diagram the cut would leave open, keeping the note outside any block', () => {
    const diagram = '```mermaid\nflowchart LR\n' + '  c0 --> c1\n'.repeat(3000) + '```\n';
    const text = `## run\n\n${'z'.repeat(40000)}\n\n${diagram}`;
    const subject = planCheckRun({
      findings: [],
      conclusion: 'success',
      title: 't',
      text,
      ...paths,
    });
    const cut = subject.create.text ?? '';
    expect(cut.length).toBeLessThanOrEqual(65535);
    expect(cut).not.toContain('```');
    expect(cut).toMatch(/z\n+… \(cut; see the job summary for the complete report\)$/);
  });
});
