import { NupkgSigningError, describeError } from '../errors.js';
import { jsonText, logLines } from '../report/escape.js';
import { VERSION } from '../version.js';
import { runPolicy } from './commands/policy.js';
import { runSign } from './commands/sign.js';
import { runVerify } from './commands/verify.js';
import type { CommandOutput } from './output.js';

export const USAGE = `Usage: nupkg-signing <command> [options]

Commands:
  verify FILE|DIR|GLOB...   verify package signatures (see 'nupkg-signing verify --help')
  sign FILE|DIR|GLOB...     sign packages (see 'nupkg-signing sign --help')
  policy check FILE         validate a signer policy file (see 'nupkg-signing policy --help')

Options:
  -h, --help                show this help
  -v, --version             print the version`;

/**
 * Runs the CLI and returns the exit code: 0 valid, 1 invalid, 2 usage or I/O error. Errors are
 * printed as one line with their code, never as a stack trace. With --json, stdout must stay one
 * JSON document a program can parse: an error is also written there as
 * `{"error": {"code", "message"}}`, unless the command already printed its results.
 */
export async function main(
  argv: string[],
  commandOut: CommandOutput,
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [command, ...rest] = argv;
  let printed = false;
  const out: CommandOutput = {
    ...commandOut,
    stdout: (text) => {
      printed = true;
      commandOut.stdout(text);
    },
    stderr: (text) => commandOut.stderr(text),
  };
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        out.stdout(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      case '-v':
      case '--version':
        out.stdout(`${VERSION}\n`);
        return 0;
      case 'sign':
        return await runSign(rest, out, now, env);
      case 'verify':
        return await runVerify(rest, out, now, env);
      case 'policy':
        return await runPolicy(rest, out, now);
      default:
        throw new NupkgSigningError(
          'NUPKG003',
          `Unknown command '${command}'. Run 'nupkg-signing --help'.`,
        );
    }
  } catch (error) {
    const { code, message } = classifyError(error);
    // Error messages quote file names, package ids and server replies.
    out.stderr(logLines([code ? `error ${code}: ${message}` : `error: ${message}`]));
    if (asksForJson(rest) && !printed)
      out.stdout(jsonText({ error: { code: code ?? null, message } }));
    return 2;
  }
}

function classifyError(error: unknown): { code?: string; message: string } {
  if (error instanceof NupkgSigningError) return { code: error.code, message: error.message };
  // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
  const code = (error as { code?: string } | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
    return { code: 'NUPKG003', message: describeError(error) };
  return { message: describeError(error) };
}

/** `--json` among the options (not after `--`, where it would be a file name). */
function asksForJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}
