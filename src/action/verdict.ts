import type { Finding } from '../report/github/findings.js';
import type { CheckConclusion } from '../report/github/check-run.js';
import type { RunOutcome } from './execute.js';
import type { ActionPlan } from './inputs.js';

export interface Verdict {
  /** Every package signed (sign modes) and valid (verify modes); true when there was none. */
  readonly valid: boolean;
  /** Whether fail-on makes the step fail. */
  readonly fail: boolean;
  readonly conclusion: CheckConclusion;
  /** A line for the summary, the check run title and the failure message. */
  readonly text: string;
}

/** Decides the step's outcome: `fail-on` says whether invalid results (or warnings) fail it. */
export function decide(
  plan: ActionPlan,
  outcome: RunOutcome,
  findings: readonly Finding[],
): Verdict {
  const signedAll = outcome.signing.every((o) => o.signed);
  const validAll = outcome.verifications.every((r) => r.valid);
  const valid = signedAll && validAll;
  const warned = findings.some((f) => f.level === 'warning');
  const fail =
    plan.failOn === 'error' ? !valid : plan.failOn === 'warning' ? !valid || warned : false;
  const conclusion: CheckConclusion = fail ? 'failure' : valid ? 'success' : 'neutral';
  return { valid, fail, conclusion, text: describe(plan, outcome, findings, fail) };
}

function describe(
  plan: ActionPlan,
  outcome: RunOutcome,
  findings: readonly Finding[],
  fail: boolean,
): string {
  if (outcome.packages.length === 0) return 'No package matched (allow-no-packages: true).';
  const parts: string[] = [];
  if (plan.mode !== 'verify') {
    const signed = outcome.signing.filter((o) => o.signed).length;
    parts.push(`${signed} of ${outcome.signing.length} package(s) signed`);
  }
  if (plan.mode !== 'sign') {
    const valid = outcome.verifications.filter((r) => r.valid).length;
    parts.push(`${valid} of ${outcome.verifications.length} package(s) valid`);
  }
  const sentence = `${parts.join('; ')}.`;
  const codes = [...new Set(findings.filter((f) => f.level !== 'info').map((f) => f.code))];
  if (fail) {
    return `${sentence} The step fails (fail-on: ${plan.failOn}): ${codes.join(', ')}. See the job summary for every finding.`;
  }
  return codes.length ? `${sentence} Findings: ${codes.join(', ')}.` : sentence;
}
