import { NupkgSigningError, describeError } from '../errors.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { jsonText } from '../report/escape.js';
import type { Finding } from '../report/github/findings.js';
import { renderSarif } from '../report/github/sarif.js';
import { renderSummary } from '../report/github/summary.js';
import { renderJunit } from '../report/junit.js';
import type { PackageVerification } from '../verify/verify-package.js';
import type { SignOutcome } from '../sign/sign-outcome.js';
import type { RunMode, Verdict } from './verdict.js';

/** Report files a run can write (CLI `--sarif`/`--junit`/`--summary`, action inputs). */
export interface ReportFiles {
  /** SARIF 2.1.0, for GitHub code scanning and other SARIF viewers. */
  readonly sarif?: string;
  /** JUnit XML: one test case per package (Azure Pipelines, GitLab, Jenkins). */
  readonly junit?: string;
  /** The job summary's Markdown (GitHub's GITHUB_STEP_SUMMARY, or any Markdown viewer). */
  readonly summary?: string;
}

export interface ReportData {
  readonly mode: RunMode;
  readonly verifications: readonly PackageVerification[];
  readonly signing: readonly SignOutcome[];
  readonly findings: readonly Finding[];
  readonly verdict: Verdict;
  readonly version: string;
  /** SARIF locations are relative to this folder (the repository root). */
  readonly workspace: string;
  readonly cwd: string;
}

/** The job summary's Markdown: the verdict line, then the tables of the run. */
export function summaryMarkdown(data: ReportData): string {
  return renderSummary({
    mode: data.mode,
    verifications: data.verifications,
    signing: data.signing,
    verdict: data.verdict.text,
  });
}

/**
 * Renders and writes each requested report file (parent folders created), the same way for the
 * CLI and the action. Returns the paths written, in the order sarif, junit, summary.
 */
export async function writeReportFiles(files: ReportFiles, data: ReportData): Promise<string[]> {
  const written: string[] = [];
  const write = async (path: string | undefined, render: () => string) => {
    if (path === undefined) return;
    const absolute = resolve(data.cwd, path);
    try {
      await mkdir(dirname(absolute), { recursive: true });
      await writeFile(absolute, render());
    } catch (error) {
      // An I/O error gets a code like every other one (exit 2, and the --json error document).
      const why = (error as { code?: unknown }).code ?? describeError(error);
      throw new NupkgSigningError(
        'NUPKG002',
        `The report file '${path}' cannot be written (${String(why)}). Check that its folder can be created and written.`,
        { file: path, cause: error },
      );
    }
    written.push(path);
  };
  await write(files.sarif, () =>
    jsonText(
      renderSarif(data.findings, {
        version: data.version,
        workspace: data.workspace,
        cwd: data.cwd,
      }),
    ),
  );
  await write(files.junit, () => renderJunit(data));
  await write(files.summary, () => summaryMarkdown(data));
  return written;
}
