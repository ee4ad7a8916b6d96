import { stat } from 'node:fs/promises';
import { describeError, NupkgSigningError } from '../../errors.js';
import { LIMITS } from '../../limits.js';
import {
  BoundedProcessError,
  runBoundedProcess,
  type BoundedProcessResult,
} from '../run-bounded-process.js';

/**
 * Runs OpenSC's `pkcs11-tool` against one token. We drive the packaged tool rather than a native
 * PKCS#11 binding from npm: an addon compiled here would have to be bundled into dist/ for one
 * Node ABI, libc and CPU, and would not load on every runner, while `pkcs11-tool` is one
 * `apt-get install opensc` (or `brew install opensc`, or the OpenSC installer on Windows) away.
 *
 * The PIN never appears on a command line: the tool gets `--pin env:NAME` (OpenSC ≥ 0.23) and
 * reads the PIN from NAME, a variable set only in the child's environment.
 */

/** Which token, and which key on it. */
export interface Pkcs11Target {
  /** Path of the token's PKCS#11 module (libsofthsm2.so, the vendor's .so/.dll/.dylib). */
  readonly module: string;
  /** The token's label; else `slot`; else the first slot with a token. */
  readonly tokenLabel?: string;
  /** A slot id as `pkcs11-tool -L` prints it (decimal or 0x hex). */
  readonly slot?: string;
  /** The key's CKA_ID in hex (the certificate object has the same id); else `keyLabel`. */
  readonly keyId?: string;
  readonly keyLabel?: string;
  /** The user PIN. */
  readonly pin: string;
  /** The pkcs11-tool program; default `pkcs11-tool` from PATH. */
  readonly tool?: string;
  /** Per run of the tool; default 60 s (a token that waits for a touch needs time). */
  readonly timeoutMs?: number;
}

/** The variable the child reads its PIN from; set in its environment only. */
const PIN_VARIABLE = 'NUPKG_SIGNING_PKCS11_PIN';
/** Our other secrets, which the tool never needs. */
const WITHHELD_VARIABLES = ['NUPKG_SIGNING_CERTIFICATE_PASSWORD', 'NUPKG_SIGNING_TOKEN'];
const DEFAULT_TIMEOUT_MS = 60_000;
const STDERR_QUOTE_CHARS = 300;

/** Checks the target before the first run, so each mistake gets its own message. */
export async function checkTarget(target: Pkcs11Target): Promise<void> {
  if (target.keyId !== undefined && !/^(?:[0-9a-fA-F]{2})+$/.test(target.keyId)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `The PKCS#11 key id '${target.keyId.slice(0, 80)}' is not hex (CKA_ID bytes, e.g. 01 or a1b2): give the id pkcs11-tool --list-objects prints, or the key's label instead.`,
    );
  }
  if (target.slot !== undefined && !/^(?:0x[0-9a-fA-F]{1,16}|\d{1,20})$/.test(target.slot)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `The PKCS#11 slot '${target.slot.slice(0, 80)}' is not a slot id: give the number 'pkcs11-tool -L' prints, or the token's label instead.`,
    );
  }
  if (target.pin === '') {
    throw new NupkgSigningError(
      'NUPKG003',
      'The PKCS#11 PIN is empty: pass the token user PIN from a secret.',
    );
  }
  const info = await stat(target.module).catch((error: unknown) => {
    throw new NupkgSigningError(
      'NUPKG002',
      `The PKCS#11 module '${target.module}' cannot be read (${describeError(error)}): install the token's module (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so; a vendor HSM: its client package) and give its path.`,
      { file: target.module, cause: error },
    );
  });
  if (!info.isFile()) {
    throw new NupkgSigningError(
      'NUPKG002',
      `The PKCS#11 module '${target.module}' is not a file: give the path of the module library itself.`,
      { file: target.module },
    );
  }
}

/** The options that select the token and log in (the key options are added per call). */
function tokenArguments(target: Pkcs11Target): string[] {
  const selection =
    target.tokenLabel !== undefined
      ? ['--token-label', target.tokenLabel]
      : target.slot !== undefined
        ? ['--slot', target.slot]
        : [];
  return ['--module', target.module, ...selection, '--login', '--pin', `env:${PIN_VARIABLE}`];
}

/** `--id 01` or `--label name`: the key, and its certificate object, which shares the id. */
export function keyArguments(target: Pkcs11Target): string[] {
  if (target.keyId !== undefined) return ['--id', target.keyId];
  if (target.keyLabel !== undefined) return ['--label', target.keyLabel];
  throw new NupkgSigningError(
    'NUPKG003',
    'Name the PKCS#11 key: its id (hex CKA_ID, e.g. 01) or its label.',
  );
}

/** Describes the token for messages (never the PIN). */
export function describeToken(target: Pkcs11Target): string {
  if (target.tokenLabel !== undefined) return `token '${target.tokenLabel}'`;
  if (target.slot !== undefined) return `the token in slot ${target.slot}`;
  return `the first token of module '${target.module}'`;
}

export function describeKey(target: Pkcs11Target): string {
  return target.keyId !== undefined ? `id ${target.keyId}` : `label '${target.keyLabel ?? ''}'`;
}

/**
 * Runs the tool with `args` after the token options, `input` on stdin; resolves with stdout.
 * A failure becomes a NU3001 error that names what to fix.
 */
export async function runPkcs11Tool(
  target: Pkcs11Target,
  args: readonly string[],
  input: Uint8Array = new Uint8Array(0),
): Promise<Buffer> {
  const program = target.tool ?? 'pkcs11-tool';
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of WITHHELD_VARIABLES) delete env[name];
  env[PIN_VARIABLE] = target.pin;
  const limit = LIMITS.maxPkcs11ToolOutputBytes;

  const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let result: BoundedProcessResult;
  try {
    result = await runBoundedProcess({
      file: program,
      args: [...tokenArguments(target), ...args],
      env,
      input,
      timeoutMs,
      maxStdoutBytes: limit,
    });
  } catch (error) {
    if (!(error instanceof BoundedProcessError)) throw error;
    if (error.failure === 'timeout') {
      throw failure(
        `${program} did not finish within ${timeoutMs / 1000} s on ${describeToken(target)}: check that the token is connected and not waiting for a touch or a PIN pad.`,
      );
    }
    if (error.failure === 'output') {
      throw new NupkgSigningError(
        'NUPKG004',
        `${program} printed more than ${limit} bytes (limit maxPkcs11ToolOutputBytes) on ${describeToken(target)}.`,
      );
    }
    const cause = error.cause as NodeJS.ErrnoException;
    const hint =
      cause.code === 'ENOENT'
        ? `: install OpenSC (apt-get install opensc, brew install opensc, or the OpenSC installer on Windows), or give the path of pkcs11-tool`
        : '';
    throw failure(`Cannot run '${program}' (${describeError(cause)})${hint}.`, cause);
  }
  if (result.code === 0) return result.stdout;
  const text = redact(result.stderr.toString('utf8'), target.pin);
  const status = result.signal
    ? `was killed by ${result.signal}`
    : `exited with code ${result.code ?? '?'}`;
  throw failure(explain(text, target) ?? `${program} ${status}${quote(text)}.`);
}

/** Known answers of pkcs11-tool and the module, turned into what the user must change. */
function explain(stderr: string, target: Pkcs11Target): string | undefined {
  const token = describeToken(target);
  if (/CKR_PIN_INCORRECT/.test(stderr)) {
    return `The PIN was rejected by ${token} (CKR_PIN_INCORRECT): check the PIN secret. Tokens lock the user PIN after a few wrong tries.`;
  }
  if (/CKR_PIN_LOCKED/.test(stderr)) {
    return `The user PIN of ${token} is locked (CKR_PIN_LOCKED): unlock it with the SO PIN (pkcs11-tool --unlock-pin) before signing again.`;
  }
  if (/CKR_PIN_LEN_RANGE/.test(stderr)) {
    return `The PIN has a length ${token} does not accept (CKR_PIN_LEN_RANGE): check the PIN secret.`;
  }
  if (/No slot with token named/.test(stderr)) {
    return `No token labelled '${target.tokenLabel ?? ''}' in module '${target.module}': list the tokens with 'pkcs11-tool --module ${target.module} -L' and give one of their labels.`;
  }
  if (/CKR_SLOT_ID_INVALID|CKR_TOKEN_NOT_PRESENT/.test(stderr)) {
    return `There is no token in slot ${target.slot ?? '(first)'} of module '${target.module}': list the slots with 'pkcs11-tool --module ${target.module} -L'.`;
  }
  if (/Failed to load pkcs11 module/.test(stderr)) {
    return `pkcs11-tool cannot load the PKCS#11 module '${target.module}'${quote(stderr)}: give the path of the token's module built for this machine.`;
  }
  if (/Private key not found/.test(stderr)) {
    return `There is no private key with ${describeKey(target)} on ${token}: list the keys with 'pkcs11-tool --module ${target.module} --login --list-objects --type privkey' and give the key's id or label.`;
  }
  return undefined;
}

function failure(message: string, cause?: unknown): NupkgSigningError {
  return new NupkgSigningError('NU3001', message, cause === undefined ? {} : { cause });
}

/** The tool's last message, for errors we have no better words for. */
function quote(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'Aborting.' && !line.startsWith('Using '));
  const last = lines[lines.length - 1];
  return last ? `: ${last.slice(0, STDERR_QUOTE_CHARS)}` : '';
}

/** A module could echo what it was given; the PIN never reaches a message. */
function redact(text: string, pin: string): string {
  return pin.length > 0 ? text.split(pin).join('[PIN]') : text;
}
