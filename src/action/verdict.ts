import type { Finding } from '../report/github/findings.js';
import { decideVerdict, type Verdict } from '../run/verdict.js';
import type { RunOutcome } from './execute.js';
import type { ActionPlan } from './inputs.js';

export type { Verdict } from '../run/verdict.js';

/** Decides the step's outcome: `fail-on` says whether invalid results (or warnings) fail it. */
export function decide(
  plan: ActionPlan,
  outcome: RunOutcome,
  findings: readonly Finding[],
): Verdict {
  return decideVerdict({
    mode: plan.mode,
    failOn: plan.failOn,
    packageCount: outcome.packages.length,
    signing: outcome.signing,
    verifications: outcome.verifications,
    findings,
  });
}
