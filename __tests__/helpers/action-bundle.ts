/**
 * Runs the action the way GitHub does: `node <bundle>/index.js` (NUPKG_SIGNING_NODE picks the node) with INPUT_* variables, a
 * GITHUB_OUTPUT file, a GITHUB_STEP_SUMMARY file and RUNNER_TEMP, and nothing else from the
 * test's own environment (so a CI runner's GITHUB_* variables do not leak in).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleNode } from './bundle-node.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/**
 * Bundles src/action/index.ts with ncc, as `npm run package` does, into a test-only folder.
 * NUPKG_SIGNING_ACTION_BUNDLE=path/index.js tests that bundle instead (e.g. the committed dist/).
 */
export function buildActionBundle(): string {
  const given = process.env.NUPKG_SIGNING_ACTION_BUNDLE;
  if (given) return resolve(given);
  const out = join(REPO_ROOT, '.tmp', 'action-test-bundle');
  const ncc = join(REPO_ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
  // Not `-t`: transpile-only makes ts-loader emit CommonJS, which cannot import the ESM toolkit.
  const result = spawnSync(
    process.execPath,
    [ncc, 'build', 'src/action/index.ts', '-o', out, '-q'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`ncc failed: ${result.stderr}${result.stdout}`);
  return join(out, 'index.js');
}

export interface ActionRunOptions {
  /** Input names as in action.yml (`policy-file`); become INPUT_POLICY-FILE. */
  readonly inputs: Readonly<Record<string, string>>;
  /** The step's working directory and GITHUB_WORKSPACE. */
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly runnerTemp: string;
}

/** The files and variables the runner gives a step, before the step's own environment. */
export interface RunnerFiles {
  readonly runnerTemp: string;
  readonly outputFile: string;
  readonly summaryFile: string;
  /** GITHUB_* and RUNNER_TEMP, revocation offline, the inputs as INPUT_*, then `options.env`. */
  readonly variables: Record<string, string>;
}

/**
 * A fresh RUNNER_TEMP with empty GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files (the summary at
 * `summaryFile` when given), and the variables that name them and carry the inputs.
 */
export function runnerFiles(options: ActionRunOptions, summaryFile?: string): RunnerFiles {
  const runnerTemp = mkdtempSync(join(tmpdir(), 'nupkg-signing-runner-'));
  const outputFile = join(runnerTemp, 'github_output');
  const summary = summaryFile ?? join(runnerTemp, 'step_summary');
  writeFileSync(outputFile, '');
  writeFileSync(summary, '');
  const variables: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_WORKSPACE: options.cwd,
    RUNNER_TEMP: runnerTemp,
    // Hermetic runs: the action checks revocation online by default; tests ask no real server.
    NUGET_CERT_REVOCATION_MODE: 'offline',
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) {
    variables[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return { runnerTemp, outputFile, summaryFile: summary, variables };
}

/** What the step left in the runner's files. */
export function readRunnerFiles(files: RunnerFiles): {
  outputs: Record<string, string>;
  summary: string;
} {
  return {
    outputs: parseOutputs(readFileSync(files.outputFile, 'utf8')),
    summary: readFileSync(files.summaryFile, 'utf8'),
  };
}

export async function runAction(bundle: string, options: ActionRunOptions): Promise<ActionRun> {
  const files = runnerFiles(options);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    ...files.variables,
  };
  const child = spawn(bundleNode(), [bundle], { cwd: options.cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stdout, stderr, ...readRunnerFiles(files), runnerTemp: files.runnerTemp };
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks, as @actions/core writes them. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n?\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1] as string] = match[3] as string;
  return outputs;
}

/** The `::error…::`, `::warning…::` and `::notice…::` lines, as GitHub reads them. */
export function commandLines(stdout: string, command: 'error' | 'warning' | 'notice'): string[] {
  return stdout.split('\n').filter((line) => line.startsWith(`::${command}`));
}
