import { statSync } from 'node:fs';
import { win32 } from 'node:path';
import { NupkgSigningError } from '../../errors.js';

/** What to hand to child_process.spawn for a sign command's argument vector. */
export interface SpawnPlan {
  readonly file: string;
  readonly args: readonly string[];
  /** Set when `args` is already quoted for cmd.exe and Node must not quote it again. */
  readonly windowsVerbatimArguments: boolean;
}

/** The operating system the plan is for; a parameter so both are tested on any machine. */
export interface SpawnHost {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly isFile: (path: string) => boolean;
}

export const CURRENT_HOST: SpawnHost = {
  platform: process.platform,
  env: process.env,
  isFile: (path) => statSync(path, { throwIfNoEntry: false })?.isFile() === true,
};

/** cmd.exe's special characters, each escaped with ^ (outside quotes cmd honours every caret). */
const CMD_META = /([()[\]%!^"`<>&|;, *?])/g;
const BATCH = /\.(cmd|bat)$/i;
const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD';

/**
 * Plans the spawn of program + arguments without a shell. On POSIX that is the argument vector
 * itself. On Windows, Node refuses to spawn .cmd/.bat files without a shell since CVE-2024-27980
 * (`spawn EINVAL`), and does not find them on PATH (`az` is az.cmd): the program is looked up on
 * PATH with PATHEXT, and a batch file runs as `cmd.exe /d /s /c "…"` with every word escaped for
 * cmd.exe, so arguments reach the batch file exactly as given.
 */
export function planCommandSpawn(
  argv: readonly string[],
  host: SpawnHost = CURRENT_HOST,
): SpawnPlan {
  const [program, ...args] = argv;
  if (program === undefined) throw new NupkgSigningError('NUPKG003', 'The sign command is empty.');
  if (host.platform !== 'win32') return { file: program, args, windowsVerbatimArguments: false };
  const resolved = resolveWindowsProgram(program, host) ?? program;
  if (!BATCH.test(resolved)) return { file: resolved, args, windowsVerbatimArguments: false };
  for (const word of [resolved, ...args]) checkBatchWord(word);
  const line = [escapeCmdCommand(resolved), ...args.map(escapeCmdArgument)].join(' ');
  return {
    file: variable(host.env, 'ComSpec') || 'cmd.exe',
    // /d: no AutoRun commands; /s /c "…": cmd strips exactly the outer quotes and runs the rest.
    args: ['/d', '/s', '/c', `"${line}"`],
    windowsVerbatimArguments: true,
  };
}

/**
 * The file Windows would run for `program`: a path as given (with PATHEXT extensions tried when
 * it has none), else the first match on PATH. The working directory is not searched, unlike
 * cmd.exe: a package checkout must not be able to plant a signer.
 */
function resolveWindowsProgram(program: string, host: SpawnHost): string | undefined {
  const extensions = (variable(host.env, 'PATHEXT') || DEFAULT_PATHEXT)
    .split(';')
    .filter((ext) => ext !== '');
  const hasExtension = win32.extname(program) !== '';
  const candidates = (base: string) =>
    hasExtension ? [base, ...extensions.map((ext) => base + ext)] : extensions.map((e) => base + e);
  if (/[\\/]/.test(program) || win32.isAbsolute(program)) {
    return candidates(program).find((path) => host.isFile(path));
  }
  for (const directory of (variable(host.env, 'PATH') ?? '').split(';')) {
    if (directory.trim() === '') continue;
    const found = candidates(win32.join(directory.replace(/^"|"$/g, ''), program)).find((path) =>
      host.isFile(path),
    );
    if (found) return found;
  }
  return undefined;
}

/** Environment variable names are case-insensitive on Windows (`Path`, `PATH`). */
function variable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

/**
 * A batch file re-parses its own `%*` with cmd.exe's rules, where a " inside an argument ends the
 * quoting and lets what follows run as a command; cmd.exe cannot carry line breaks or NUL at all.
 * Such words are refused rather than passed on in a form that changes their meaning.
 */
function checkBatchWord(word: string): void {
  if (/["\r\n\0]/.test(word)) {
    throw new NupkgSigningError(
      'NUPKG003',
      'An argument of a .cmd or .bat sign command contains a double quote, a line break or NUL, which cmd.exe cannot pass to a batch file safely. Call the program the batch file wraps directly, or move the value into an environment variable.',
    );
  }
}

/** The batch file's path: cmd.exe's special characters (spaces too) escaped with ^. */
function escapeCmdCommand(path: string): string {
  return win32.normalize(path).replace(CMD_META, '^$1');
}

/**
 * One argument: quoted for the Microsoft C runtime (backslashes before a quote or the end doubled,
 * quotes escaped), then every cmd.exe special character, the quotes included, escaped with ^ so
 * cmd.exe never enters quote mode and removes exactly the carets it was given.
 */
function escapeCmdArgument(argument: string): string {
  const quoted = `"${argument.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\*)$/, '$1$1')}"`;
  return quoted.replace(CMD_META, '^$1');
}
