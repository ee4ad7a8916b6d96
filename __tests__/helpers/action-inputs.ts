import { jest } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionEnvironment, ActionInputs } from '../../src/action/inputs.js';
import { run } from '../../src/action/main.js';
import { readActionInputs } from '../../src/action/read-inputs.js';
import { readRunnerFiles, runnerFiles, type ActionRunOptions } from './action-bundle.js';

/**
 * Every action input as GitHub passes an unset one (''), with the given environment and
 * overrides: what `readActionInputs` returns for a step with no `with:`, for in-process tests of
 * `resolveInputs` and `run`.
 */
export function actionInputs(
  environment: ActionEnvironment,
  given: Partial<ActionInputs> = {},
): ActionInputs {
  return {
    mode: '',
    packages: '',
    policy: '',
    policyFile: '',
    published: '',
    nugetConfig: '',
    trustedRoots: '',
    certificateFingerprints: '',
    revocationMode: '',
    revocationDir: '',
    certificate: '',
    certificatePassword: '',
    privateKey: '',
    certificateChain: '',
    signCommand: '',
    signUrl: '',
    signKeyId: '',
    signToken: '',
    timestampUrls: '',
    hashAlgorithm: '',
    timestampHashAlgorithm: '',
    overwrite: '',
    failOn: '',
    allowNoPackages: '',
    sarifFile: '',
    summary: '',
    githubToken: '',
    checkRun: '',
    environment,
    ...given,
  };
}

/**
 * Runs the action in this process as the runner would start it: in `inputs.environment.cwd`
 * (signing opens relative paths from there), with the given `GITHUB_*` variables, capturing
 * stdout; the process's directory, environment and exit code are restored afterwards.
 */
export async function runActionInProcess(
  inputs: ActionInputs,
  clock: () => Date,
  variables: Readonly<Record<string, string>>,
): Promise<string> {
  const { stdout } = await captured(inputs.environment.cwd, variables, () => run(inputs, clock));
  return stdout;
}

/** What a step leaves behind: exit code, log, outputs, job summary. */
export interface RunnerRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly runnerTemp: string;
}

// @actions/core keeps the first GITHUB_STEP_SUMMARY path it sees, so every run in this module
// writes the same file, emptied before each run.
const summaryFile = join(mkdtempSync(join(tmpdir(), 'nupkg-signing-summary-')), 'step_summary');

/**
 * Runs the action in this process the way the runner starts the bundle (runAction in
 * action-bundle.ts): INPUT_* variables read by `readActionInputs`, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY and RUNNER_TEMP files, revocation offline, and no GITHUB_*, RUNNER_* or
 * INPUT_* variable of the test's own environment. The pull-request payload (GITHUB_EVENT_PATH) is
 * read when @actions/github loads, so it does not apply here: the bundle tests cover it.
 */
export async function runActionAsRunner(options: ActionRunOptions): Promise<RunnerRun> {
  const files = runnerFiles(options, summaryFile);
  const variables = { NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
  const { stdout, stderr, code } = await captured(
    options.cwd,
    { ...variables, ...files.variables },
    () => run(readActionInputs()),
  );
  return { code, stdout, stderr, ...readRunnerFiles(files), runnerTemp: files.runnerTemp };
}

const RUNNER_VARIABLE = /^(?:GITHUB_|RUNNER_|INPUT_)/;

/**
 * Runs `body` in `cwd` with `variables` set (and the runner's own variables of the test's
 * environment removed), capturing stdout, stderr and the exit code the step would end with; the
 * process's directory, environment and exit code are restored afterwards.
 */
async function captured(
  cwd: string,
  variables: Readonly<Record<string, string>>,
  body: () => Promise<void>,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) {
    if (RUNNER_VARIABLE.test(name)) delete process.env[name];
  }
  Object.assign(process.env, variables);
  const written: string[] = [];
  const errors: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  const writeError = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    errors.push(String(chunk));
    return true;
  });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  const before = process.cwd();
  process.chdir(cwd);
  let code: number;
  try {
    await body();
    code = Number(process.exitCode ?? 0);
  } finally {
    write.mockRestore();
    writeError.mockRestore();
    process.chdir(before);
    process.exitCode = exitCode;
    process.env = saved;
  }
  return { stdout: written.join(''), stderr: errors.join(''), code };
}

/**
 * `readActionInputs` as the runner would call it: with the given `INPUT_*` and other variables,
 * in `cwd` (default: this directory), capturing what it prints (the `::add-mask::` lines); the
 * process's directory and environment are restored afterwards.
 */
export function readActionInputsInProcess(
  variables: Readonly<Record<string, string>>,
  cwd = process.cwd(),
): { inputs: ActionInputs; printed: string } {
  const saved = { ...process.env };
  const here = process.cwd();
  const written: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    Object.assign(process.env, variables);
    process.chdir(cwd);
    return { inputs: readActionInputs(), printed: written.join('') };
  } finally {
    write.mockRestore();
    process.chdir(here);
    process.env = saved;
  }
}
