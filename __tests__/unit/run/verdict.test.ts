import { collectFindings } from '../../../src/report/github/findings.js';
import { decideVerdict, type FailOn, type RunMode } from '../../../src/run/verdict.js';
import type { SignOutcome } from '../../../src/sign/sign-outcome.js';
import type { PackageVerification } from '../../../src/verify/verify-package.js';
import { packageResult } from '../../helpers/report-inputs.js';

/** The fail-on matrix the CLI's exit code and the action's step result share (src/run/verdict.ts). */
const VALID = packageResult('a.nupkg', []);
const WARNED = packageResult('b.nupkg', [{ code: 'NU3027', level: 'warning', message: 'w' }]);
const INVALID = packageResult('c.nupkg', [{ code: 'NU3004', level: 'error', message: 'e' }]);

function verdictOf(
  failOn: FailOn,
  verifications: PackageVerification[],
  signing: SignOutcome[] = [],
  mode: RunMode = 'verify',
) {
  return decideVerdict({
    mode,
    failOn,
    packageCount: Math.max(verifications.length, signing.length),
    signing,
    verifications,
    findings: collectFindings(verifications, signing),
  });
}

describe('#decideVerdict', () => {
  it.each([
    // failOn, packages, valid, fail, conclusion
    ['error', [VALID], true, false, 'success'],
    ['error', [VALID, WARNED], true, false, 'success'],
    ['error', [VALID, INVALID], false, true, 'failure'],
    ['warning', [VALID], true, false, 'success'],
    ['warning', [VALID, WARNED], true, true, 'failure'],
    ['warning', [INVALID], false, true, 'failure'],
    ['never', [VALID, INVALID], false, false, 'neutral'],
    ['never', [WARNED], true, false, 'success'],
  ] as const)(
    'with fail-on %s and %j, is valid=%s, fails=%s, concludes %s',
    (failOn, packages, valid, fail, conclusion) => {
      expect(verdictOf(failOn, [...packages])).toMatchObject({ valid, fail, conclusion });
    },
  );

  it('when failing on errors, names only the error codes', () => {
    expect(verdictOf('error', [VALID, WARNED, INVALID]).text).toBe(
      '2 of 3 package(s) valid. The step fails (fail-on: error): NU3004.',
    );
  });

  it('when failing on warnings, names the warning codes too', () => {
    expect(verdictOf('warning', [WARNED, INVALID]).text).toBe(
      '1 of 2 package(s) valid. The step fails (fail-on: warning): NU3004, NU3027.',
    );
  });

  it('when not failing, lists the findings', () => {
    expect(verdictOf('never', [INVALID]).text).toBe('0 of 1 package(s) valid. Findings: NU3004.');
    expect(verdictOf('error', [VALID]).text).toBe('1 of 1 package(s) valid.');
  });

  it('with no package (allow-no-packages), is valid and says nothing matched', () => {
    expect(verdictOf('error', [])).toEqual({
      valid: true,
      fail: false,
      conclusion: 'success',
      text: 'No package matched (allow-no-packages: true).',
    });
  });

  it('in sign-and-verify mode, counts signed and valid packages; an unsigned one fails the run', () => {
    const signing: SignOutcome[] = [
      { file: 'a.nupkg', signed: true, warnings: [] },
      { file: 'c.nupkg', signed: false, warnings: [], error: { code: 'NU3001', message: 'no' } },
    ];
    const verdict = verdictOf('error', [VALID], signing, 'sign-and-verify');
    expect(verdict).toMatchObject({ valid: false, fail: true, conclusion: 'failure' });
    expect(verdict.text).toBe(
      '1 of 2 package(s) signed; 1 of 1 package(s) valid. The step fails (fail-on: error): NU3001.',
    );
  });

  it('in sign mode, counts only signed packages', () => {
    const signing: SignOutcome[] = [{ file: 'a.nupkg', signed: true, warnings: [] }];
    expect(verdictOf('error', [], signing, 'sign').text).toBe('1 of 1 package(s) signed.');
  });
});
