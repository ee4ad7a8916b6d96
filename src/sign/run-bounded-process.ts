import { spawn } from 'node:child_process';

/**
 * Runs a helper program the signer depends on (a remote-sign command, OpenSC's pkcs11-tool) in
 * bounded time and memory: `input` on stdin, stdout kept up to `maxStdoutBytes` (one byte more ends
 * the run), stderr kept up to `maxStderrBytes` for messages, killed at `timeoutMs`. Resolves with
 * the exit status and both outputs, whatever the status; rejects with a BoundedProcessError when the
 * program cannot start, runs too long or prints too much. The callers turn both into their own
 * coded messages.
 */
export interface BoundedProcess {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly input: string | Uint8Array;
  readonly timeoutMs: number;
  readonly maxStdoutBytes: number;
  /** Default 64 KiB: enough for any message worth quoting. */
  readonly maxStderrBytes?: number;
  /** Windows: the arguments are already quoted for cmd.exe (see command-spawn.ts). */
  readonly windowsVerbatimArguments?: boolean;
}

export interface BoundedProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

export type BoundedProcessFailure = 'spawn' | 'timeout' | 'output';

export class BoundedProcessError extends Error {
  constructor(
    readonly failure: BoundedProcessFailure,
    options?: { cause?: unknown },
  ) {
    super(`process ${failure} failure`, options);
    this.name = 'BoundedProcessError';
  }
}

const DEFAULT_MAX_STDERR_BYTES = 64 * 1024;

export function runBoundedProcess(run: BoundedProcess): Promise<BoundedProcessResult> {
  const maxStderr = run.maxStderrBytes ?? DEFAULT_MAX_STDERR_BYTES;
  return new Promise((resolve, reject) => {
    const child = spawn(run.file, run.args, {
      env: run.env,
      ...(run.cwd === undefined ? {} : { cwd: run.cwd }),
      ...(run.windowsVerbatimArguments ? { windowsVerbatimArguments: true } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutSize = 0;
    let stderrSize = 0;
    let settled = false;
    const finish = (outcome: BoundedProcessError | BoundedProcessResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof BoundedProcessError) {
        child.kill('SIGKILL');
        reject(outcome);
      } else resolve(outcome);
    };
    const timer = setTimeout(() => finish(new BoundedProcessError('timeout')), run.timeoutMs);
    child.on('error', (error) => finish(new BoundedProcessError('spawn', { cause: error })));
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutSize += chunk.length;
      if (stdoutSize > run.maxStdoutBytes) finish(new BoundedProcessError('output'));
      else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderrSize += chunk.length;
      if (stderrSize <= maxStderr) stderr.push(chunk);
    });
    child.on('close', (code, signal) =>
      finish({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) }),
    );
    // A program that ignores stdin may close it early; that is not an error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(run.input);
  });
}
