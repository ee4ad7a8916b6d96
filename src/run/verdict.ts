import type { Finding } from '../report/github/findings.js';
import type { PackageVerification } from '../verify/verify-package.js';
import type { SignOutcome } from '../sign/sign-outcome.js';

/** When results fail the run: invalid packages (error), also warnings (warning), or never. */
export type FailOn = 'error' | 'warning' | 'never';
export const FAIL_ON_VALUES: readonly FailOn[] = ['error', 'warning', 'never'];

export type RunMode = 'verify' | 'sign' | 'sign-and-verify';

/** How a check run (or any CI) concludes: failed, passed, or passed with invalid results. */
export type Conclusion = 'success' | 'failure' | 'neutral';

export interface RunResults {
  readonly mode: RunMode;
  readonly failOn: FailOn;
  /** The packages the arguments matched (none with allow-no-packages). */
  readonly packageCount: number;
  readonly signing: readonly SignOutcome[];
  readonly verifications: readonly PackageVerification[];
  /** `collectFindings` of the run: errors and warnings, errors first. */
  readonly findings: readonly Finding[];
}

export interface Verdict {
  /** Every package signed (sign modes) and valid (verify modes); true when there was none. */
  readonly valid: boolean;
  /** Whether fail-on makes the run fail. */
  readonly fail: boolean;
  readonly conclusion: Conclusion;
  /** One line for the log, the summary and a check run's title (no pointer to the summary). */
  readonly text: string;
}

/**
 * The run's outcome under `fail-on`, shared by the CLI (its exit code) and the action (the step's
 * result), so both fail for the same reasons and say so in the same words.
 */
export function decideVerdict(run: RunResults): Verdict {
  const signedAll = run.signing.every((o) => o.signed);
  const validAll = run.verifications.every((r) => r.valid);
  const valid = signedAll && validAll;
  const warned = run.findings.some((f) => f.level === 'warning');
  const fail =
    run.failOn === 'error' ? !valid : run.failOn === 'warning' ? !valid || warned : false;
  const conclusion: Conclusion = fail ? 'failure' : valid ? 'success' : 'neutral';
  return { valid, fail, conclusion, text: describe(run, fail) };
}

function describe(run: RunResults, fail: boolean): string {
  if (run.packageCount === 0) return 'No package matched (allow-no-packages: true).';
  const parts: string[] = [];
  if (run.mode !== 'verify') {
    const signed = run.signing.filter((o) => o.signed).length;
    parts.push(`${signed} of ${run.signing.length} package(s) signed`);
  }
  if (run.mode !== 'sign') {
    const valid = run.verifications.filter((r) => r.valid).length;
    parts.push(`${valid} of ${run.verifications.length} package(s) valid`);
  }
  const sentence = `${parts.join('; ')}.`;
  const codes = [...new Set(run.findings.map((f) => f.code))];
  if (fail) {
    // fail-on: error fails on errors only: the warnings are not why the run failed.
    const causes = run.failOn === 'warning' ? run.findings : run.findings.filter(isError);
    const failing = [...new Set(causes.map((f) => f.code))];
    return `${sentence} The step fails (fail-on: ${run.failOn}): ${failing.join(', ')}.`;
  }
  return codes.length ? `${sentence} Findings: ${codes.join(', ')}.` : sentence;
}

function isError(finding: Finding): boolean {
  return finding.level === 'error';
}
