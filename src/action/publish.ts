import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as core from '@actions/core';
import { describeError } from '../errors.js';
import { renderJson } from '../report/json.js';
import { hiddenAnnotationCounts, toAnnotations } from '../report/github/annotations.js';
import { planCheckRun } from '../report/github/check-run.js';
import type { Finding } from '../report/github/findings.js';
import { renderSarif } from '../report/github/sarif.js';
import { renderSummary } from '../report/github/summary.js';
import { VERSION } from '../version.js';
import { publishCheckRun } from './check-run.js';
import type { RunOutcome } from './execute.js';
import type { ActionEnvironment, ActionPlan } from './inputs.js';
import type { Verdict } from './verdict.js';

export interface Report {
  readonly plan: ActionPlan;
  readonly outcome: RunOutcome;
  readonly findings: readonly Finding[];
  readonly verdict: Verdict;
  readonly environment: ActionEnvironment;
}

/** Writes the results file and sets the outputs. */
export async function writeOutputs({ plan, outcome, verdict }: Report): Promise<void> {
  await writeText(plan.resultsFile, resultsDocument(plan, outcome));
  core.setOutput('results', plan.resultsFile);
  core.setOutput('valid', String(verdict.valid));
  const signed = outcome.signing.filter((o) => o.signed).map((o) => o.outputPath ?? o.file);
  core.setOutput('signed-packages', signed.join('\n'));
  core.setOutput('fingerprints', fingerprints(outcome).join('\n'));
}

/** One annotation per finding, errors first; a pointer to the summary for those GitHub hides. */
export function annotate({ findings, environment }: Report): void {
  const annotations = toAnnotations(findings, environment);
  for (const { level, title, file, message } of annotations) {
    const properties = { title, file };
    if (level === 'error') core.error(message, properties);
    else if (level === 'warning') core.warning(message, properties);
    else core.notice(message, properties);
  }
  const hidden = Object.entries(hiddenAnnotationCounts(annotations));
  if (hidden.length > 0) {
    const counts = hidden.map(([level, count]) => `${count} ${level}(s)`).join(', ');
    core.info(
      `GitHub shows 10 annotations of each type per step; ${counts} more are in the job summary.`,
    );
  }
}

/** The job summary: the verdict and a table per part of the run, every issue included. */
export async function writeSummary({ plan, outcome, verdict }: Report): Promise<void> {
  if (!plan.summary) return;
  try {
    await core.summary.addRaw(summaryMarkdown(plan, outcome, verdict)).write();
  } catch (error) {
    // Outside GitHub Actions there is no GITHUB_STEP_SUMMARY file; the log still has everything.
    core.warning(`No job summary written: ${describeError(error)}`);
  }
}

export async function writeSarif({ plan, findings, environment }: Report): Promise<void> {
  if (!plan.sarifFile) return;
  const log = renderSarif(findings, { version: VERSION, ...environment });
  await writeText(plan.sarifFile, `${JSON.stringify(log, null, 2)}\n`);
  core.info(`SARIF written to ${plan.sarifFile}.`);
}

/**
 * Publishes the check run. A refused request (a read-only token on a fork's pull request) is a
 * warning: the verdict is already in the log, the summary and the step's outcome.
 */
export async function writeCheckRun(report: Report): Promise<void> {
  const { plan, outcome, findings, verdict, environment } = report;
  if (!plan.checkRun) return;
  const checkPlan = planCheckRun({
    findings,
    conclusion: verdict.conclusion,
    title: verdict.text.split('. ')[0]?.replace(/\.$/, '') ?? 'nupkg-signing',
    text: summaryMarkdown(plan, outcome, verdict),
    ...environment,
  });
  try {
    const url = await publishCheckRun(plan.checkRun, checkPlan);
    core.info(`Check run: ${url}`);
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    core.warning(
      `Could not publish the check run${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${describeError(error)}. The token needs 'permissions: checks: write'; pull requests from forks get a read-only token.`,
    );
  }
}

function summaryMarkdown(plan: ActionPlan, outcome: RunOutcome, verdict: Verdict): string {
  return renderSummary({
    mode: plan.mode,
    verifications: outcome.verifications,
    signing: outcome.signing,
    verdict: verdict.text,
  });
}

/** verify: the CLI's `verify --json`; sign: the CLI's `sign --json`; both: verify's plus `signing`. */
function resultsDocument(plan: ActionPlan, outcome: RunOutcome): string {
  if (plan.mode === 'verify') return renderJson(outcome.verifications);
  if (plan.mode === 'sign') return `${JSON.stringify({ results: outcome.signing }, null, 2)}\n`;
  const document = { results: outcome.verifications, signing: outcome.signing };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Primary signers of verified packages and the certificates packages were signed with. */
function fingerprints(outcome: RunOutcome): string[] {
  const all = [
    ...outcome.signing.flatMap((o) => (o.certificateFingerprint ? [o.certificateFingerprint] : [])),
    ...outcome.verifications.flatMap((r) =>
      (r.signatures ?? [])
        .filter((s) => s.placement === 'primary')
        .map((s) => s.signer.fingerprintSha256),
    ),
  ];
  return [...new Set(all)];
}

async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}
