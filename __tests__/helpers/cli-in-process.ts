import { main } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliInProcessOptions {
  /** The CLI's clock. */
  readonly now: Date;
  /** The environment the CLI sees; default this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * `false` adds --no-nuget-config-discovery to `verify`, so a nuget.config above the checkout or
   * in the real home cannot change a verdict.
   */
  readonly nugetConfigDiscovery?: boolean;
}

/** Runs the CLI's `main` in this process with `argv`, capturing what it writes. */
export async function runCliInProcess(
  argv: readonly string[],
  options: CliInProcessOptions,
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const args =
    options.nugetConfigDiscovery === false && argv[0] === 'verify'
      ? ['verify', '--no-nuget-config-discovery', ...argv.slice(1)]
      : [...argv];
  const code = await main(
    args,
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    options.now,
    ...(options.env ? [options.env] : []),
  );
  return { code, stdout, stderr };
}
