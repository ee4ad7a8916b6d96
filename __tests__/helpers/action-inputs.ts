import { jest } from '@jest/globals';
import type { ActionEnvironment, ActionInputs } from '../../src/action/inputs.js';
import { run } from '../../src/action/main.js';
import { readActionInputs } from '../../src/action/read-inputs.js';

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
  const saved = { ...process.env };
  Object.assign(process.env, variables);
  const written: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  const exitCode = process.exitCode;
  const cwd = process.cwd();
  process.chdir(inputs.environment.cwd);
  try {
    await run(inputs, clock);
  } finally {
    write.mockRestore();
    process.chdir(cwd);
    process.exitCode = exitCode;
    process.env = saved;
  }
  return written.join('');
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
