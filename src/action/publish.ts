import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as core from '@actions/core';
import { describeError } from '../errors.js';
import { jsonText, visibleText } from '../report/escape.js';
import { renderJson } from '../report/json.js';
import { hiddenAnnotationCounts, toAnnotations } from '../report/github/annotations.js';
import { planCheckRun } from '../report/github/check-run.js';
import type { Finding } from '../report/github/findings.js';
import { renderSummary } from '../report/github/summary.js';
import { writeReportFiles, type ReportData } from '../run/report-files.js';
import { VERSION } from '../version.js';
import { publishCheckRun } from './check-run.js';
import * as log from './log.js';
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

/**
 * Writes the results file and sets the outputs. `signed-packages` is one path per line, so a path
 * is shown escaped (`visibleText`): a newline in a file name cannot add an entry to the list.
 */
export async function writeOutputs({ plan, outcome, verdict }: Report): Promise<void> {
  await writeText(plan.resultsFile, resultsDocument(plan, outcome));
  core.setOutput('results', plan.resultsFile);
  core.setOutput('valid', String(verdict.valid));
  const signed = outcome.signing.filter((o) => o.signed).map((o) => o.outputPath ?? o.file);
  core.setOutput('signed-packages', signed.map(visibleText).join('\n'));
  core.setOutput('fingerprints', fingerprints(outcome).join('\n'));
}

/** One annotation per finding, errors first; a pointer to the summary for those GitHub hides. */
export function annotate({ findings, environment }: Report): void {
  const annotations = toAnnotations(findings, environment);
  for (const { level, title, file, message } of annotations)
    log.annotate(level, message, { title, file });
  const hidden = Object.entries(hiddenAnnotationCounts(annotations));
  if (hidden.length > 0) {
    const counts = hidden.map(([level, count]) => `${count} ${level}(s)`).join(', ');
    log.info(
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
    log.warning(`No job summary written: ${describeError(error)}`);
  }
}

/** The SARIF and JUnit files, through the CLI's writer (`writeReportFiles`). */
export async function writeReportFileInputs(report: Report): Promise<void> {
  const { sarifFile: sarif, junitFile: junit } = report.plan;
  if (sarif === undefined && junit === undefined) return;
  await writeReportFiles(
    { ...(sarif ? { sarif } : {}), ...(junit ? { junit } : {}) },
    reportData(report),
  );
  if (sarif !== undefined) log.info(`SARIF written to ${sarif}.`);
  if (junit !== undefined) log.info(`JUnit XML written to ${junit}.`);
}

function reportData({ plan, outcome, findings, verdict, environment }: Report): ReportData {
  return {
    mode: plan.mode,
    verifications: outcome.verifications,
    signing: outcome.signing,
    findings,
    verdict,
    version: VERSION,
    workspace: environment.workspace,
    cwd: environment.cwd,
  };
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
    log.info(`Check run: ${url}`);
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    log.warning(
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
  if (plan.mode === 'verify') {
    return renderJson(outcome.verifications, undefined, outcome.nugetConfigFiles);
  }
  if (plan.mode === 'sign') return jsonText({ results: outcome.signing });
  return jsonText({ results: outcome.verifications, signing: outcome.signing });
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
