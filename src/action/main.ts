import * as core from '@actions/core';
import { describeError, isNupkgSigningError } from '../errors.js';
import { describeExpansion } from '../report/expansion.js';
import { collectFindings } from '../report/github/findings.js';
import { removedTemporariesNote } from '../run/sign-run.js';
import { execute, findPackages } from './execute.js';
import * as log from './log.js';
import { resolveInputs, type ActionInputs } from './inputs.js';
import { maskSecret } from './mask.js';
import {
  annotate,
  writeCheckRun,
  writeOutputs,
  writeReportFileInputs,
  writeSummary,
} from './publish.js';
import { readActionInputs } from './read-inputs.js';
import { withForwardSlashes } from './report-paths.js';
import { decide } from './verdict.js';

/**
 * The action: validate the inputs, find the packages, sign and/or verify them with the CLI's code
 * path, then report everywhere GitHub looks. Bad inputs fail the step with one message.
 */
export async function run(
  inputs: ActionInputs = readActionInputs(),
  clock: () => Date = () => new Date(),
): Promise<void> {
  try {
    const plan = await resolveInputs(inputs, { mask: maskSecret });
    for (const note of plan.notes) log.warning(note);
    const { cwd } = inputs.environment;
    const { files: packages, summary } = await findPackages(plan, cwd);
    log.info(
      `${packages.length} package(s) matched ${plan.packages.join(', ')} (${describeExpansion(summary)}).`,
    );
    const outcome = withForwardSlashes(
      await execute(plan, packages, clock, cwd, (found) =>
        log.warning(`${found.code}: ${found.message}`),
      ),
    );
    for (const note of outcome.signing.map(removedTemporariesNote)) if (note) log.info(note);
    if (outcome.nugetConfigFiles) {
      const files = outcome.nugetConfigFiles;
      log.info(`nuget.config: ${files.length > 0 ? files.join(', ') : 'none found'}`);
    }
    const findings = collectFindings(outcome.verifications, outcome.signing);
    const verdict = decide(plan, outcome, findings);
    const report = { plan, outcome, findings, verdict, environment: inputs.environment };

    await writeOutputs(report);
    annotate(report);
    await writeSummary(report);
    await writeReportFileInputs(report);
    await writeCheckRun(report);
    // The log line points to the summary; the summary itself does not.
    if (verdict.fail) log.fail(`${verdict.text} See the job summary for every finding.`);
    else log.info(verdict.text);
  } catch (error) {
    fail(error);
  }
}

/** One `::error::` line with the code and message; the cause on its own line; no stack trace. */
function fail(error: unknown): void {
  log.fail(isNupkgSigningError(error) ? `${error.code}: ${error.message}` : describeError(error));
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause !== undefined) log.info(`Caused by: ${describeError(cause)}`);
  if (core.isDebug() && error instanceof Error && error.stack) {
    for (const line of error.stack.split('\n')) log.debug(line);
  }
}
