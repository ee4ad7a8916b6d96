import { NupkgSigningError } from '../errors.js';
import { azureLogIssues, inAzurePipelines } from '../report/azure.js';
import { logLines } from '../report/escape.js';
import { collectFindings } from '../report/github/findings.js';
import { writeReportFiles } from '../run/report-files.js';
import type { SignOutcome } from '../sign/sign-outcome.js';
import { decideVerdict, FAIL_ON_VALUES, type FailOn, type RunMode } from '../run/verdict.js';
import type { PackageVerification } from '../verify/verify-package.js';
import { VERSION } from '../version.js';
import type { CommandOutput } from './output.js';

/** The report options `verify` and `sign` share, for parseArgs. */
export const REPORT_OPTIONS = {
  sarif: { type: 'string' },
  junit: { type: 'string' },
  summary: { type: 'string' },
  'fail-on': { type: 'string', default: 'error' },
} as const;

// Each line at most 46 characters: the help of `sign` starts descriptions at column 34.
const REPORT_HELP: readonly (readonly [string, ...string[]])[] = [
  ['--sarif FILE', 'write errors and warnings as SARIF 2.1.0'],
  [
    '--junit FILE',
    'write JUnit XML, one test case per package',
    '(Azure Pipelines, GitLab, Jenkins)',
  ],
  ['--summary FILE', 'write the job summary as Markdown', '(e.g. "$GITHUB_STEP_SUMMARY")'],
  [
    '--fail-on LEVEL',
    'exit 1 on: error (default; a package is',
    'invalid or not signed), warning (also on',
    'any warning) or never (report only)',
  ],
];

/** The help lines of the report options, descriptions starting at `column` (as each command's). */
export function reportUsage(column: number): string {
  return REPORT_HELP.map(([option, first, ...more]) =>
    [
      `  ${option.padEnd(column - 2)}${first}`,
      ...more.map((line) => `${' '.repeat(column)}${line}`),
    ].join('\n'),
  ).join('\n');
}

export interface ReportValues {
  readonly sarif?: string | undefined;
  readonly junit?: string | undefined;
  readonly summary?: string | undefined;
  readonly 'fail-on': string;
}

/** Checks --fail-on before any work is done. */
export function parseFailOn(values: ReportValues): FailOn {
  const given = values['fail-on'];
  if ((FAIL_ON_VALUES as readonly string[]).includes(given)) return given as FailOn;
  throw new NupkgSigningError(
    'NUPKG003',
    `--fail-on must be error, warning or never, not '${given}'.`,
  );
}

export interface CliRun {
  readonly mode: RunMode;
  readonly failOn: FailOn;
  readonly signing: readonly SignOutcome[];
  readonly verifications: readonly PackageVerification[];
  /** Whether stdout holds a JSON document (Azure commands then go to stderr). */
  readonly json: boolean;
}

/**
 * After the command printed its results: the report files, Azure Pipelines issues when running
 * there (TF_BUILD), the fail-on verdict. Returns the exit code: 1 when fail-on fails the run.
 * The same verdict and writers as the action's (src/run/).
 */
export async function publishCliRun(
  run: CliRun,
  values: ReportValues,
  out: CommandOutput,
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): Promise<number> {
  const findings = collectFindings(run.verifications, run.signing);
  const verdict = decideVerdict({
    mode: run.mode,
    failOn: run.failOn,
    packageCount: run.signing.length + run.verifications.length,
    signing: run.signing,
    verifications: run.verifications,
    findings,
  });
  await writeReportFiles(
    {
      ...(values.sarif !== undefined ? { sarif: values.sarif } : {}),
      ...(values.junit !== undefined ? { junit: values.junit } : {}),
      ...(values.summary !== undefined ? { summary: values.summary } : {}),
    },
    { ...run, findings, verdict, version: VERSION, workspace: cwd, cwd },
  );
  if (inAzurePipelines(env)) {
    // Built from escaped values (azureCommandText); logLines would neutralise the command itself.
    const commands = azureLogIssues(findings);
    if (commands.length > 0) (run.json ? out.stderr : out.stdout)(`${commands.join('\n')}\n`);
  }
  // Results are valid but warnings fail the run: say why the exit code is 1.
  if (verdict.fail && verdict.valid) {
    const codes = [...new Set(findings.map((f) => f.code))].join(', ');
    out.stderr(logLines([`--fail-on warning: the run fails on warnings (${codes}).`]));
  }
  return verdict.fail ? 1 : 0;
}
