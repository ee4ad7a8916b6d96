import { sha256Fingerprint } from '../../fingerprint.js';
import { NupkgSigningError } from '../../errors.js';
import type { HashAlgorithmName } from '../../hash-algorithms.js';
import {
  BoundedProcessError,
  runBoundedProcess,
  type BoundedProcessResult,
} from '../run-bounded-process.js';
import type { DigestSigner } from '../signer.js';
import { splitCommandLine } from './command-line.js';
import { CURRENT_HOST, planCommandSpawn, type SpawnHost } from './command-spawn.js';
import {
  buildRemoteSignRequest,
  MAX_ANSWER_BYTES,
  parseSignatureAnswer,
  type RemoteSignRequest,
} from './protocol.js';

export interface CommandSignerOptions {
  /**
   * Program and arguments: one string split by the platform's rules (command-line.ts), or the
   * argument vector itself (the action's `sign-command` lines), which nothing re-splits.
   */
  readonly command: string | readonly string[];
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly keyId?: string;
  /** Default 60 s; the process is killed after it. */
  readonly timeoutMs?: number;
  /** Environment of the command; default: this process's, minus our secrets. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** The OS to split and spawn for; default this one (tests pass win32 on Linux). */
  readonly host?: SpawnHost;
}

/**
 * Our own secrets, which a sign command never needs; so are a GitHub Action step's inputs
 * (INPUT_*: the key, its password, the sign token), withheld by prefix.
 */
const WITHHELD_VARIABLES = ['NUPKG_SIGNING_CERTIFICATE_PASSWORD'];
const DEFAULT_TIMEOUT_MS = 60_000;
/** How much of the command's stderr an error message quotes (its last line). */
const STDERR_QUOTE_CHARS = 300;

/**
 * Signs digests by running a command once per signature (docs/remote-signing.md): the request goes
 * to its stdin as one JSON line and into NUPKG_SIGNING_* environment variables; the signature
 * comes back on stdout as base64 or `{"signature": …}`. Exit code 0 means success.
 */
export class CommandSigner implements DigestSigner {
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
  private readonly argv: readonly string[];
  private readonly host: SpawnHost;

  constructor(private readonly options: CommandSignerOptions) {
    this.host = options.host ?? CURRENT_HOST;
    this.argv =
      typeof options.command === 'string'
        ? splitCommandLine(options.command, this.host.platform)
        : [...options.command];
    // Checked now, so a command Windows cannot run safely fails before any package is touched.
    planCommandSpawn(this.argv, this.host);
    this.certificate = options.certificate;
    this.chain = options.chain;
  }

  async signDigest(digest: Uint8Array, hashAlgorithm: HashAlgorithmName): Promise<Uint8Array> {
    const request = buildRemoteSignRequest(
      digest,
      hashAlgorithm,
      sha256Fingerprint(this.certificate),
      this.options.keyId,
    );
    const stdout = await this.run(request);
    return parseSignatureAnswer(stdout, `command '${this.argv[0] ?? ''}'`);
  }

  private async run(request: RemoteSignRequest): Promise<string> {
    const program = this.argv[0] ?? '';
    const plan = planCommandSpawn(this.argv, this.host);
    const env: NodeJS.ProcessEnv = { ...(this.options.env ?? process.env) };
    for (const name of Object.keys(env)) {
      if (WITHHELD_VARIABLES.includes(name) || /^INPUT_/i.test(name)) delete env[name];
    }
    Object.assign(env, {
      NUPKG_SIGNING_DIGEST: request.digest,
      NUPKG_SIGNING_DIGEST_HEX: Buffer.from(request.digest, 'base64').toString('hex'),
      NUPKG_SIGNING_DIGEST_INFO: request.digestInfo,
      NUPKG_SIGNING_HASH_ALGORITHM: request.hashAlgorithm,
      NUPKG_SIGNING_CERTIFICATE_FINGERPRINT: request.certificateFingerprint,
      ...(request.keyId === undefined ? {} : { NUPKG_SIGNING_KEY_ID: request.keyId }),
    });
    const fail = (why: string, cause?: unknown) =>
      new NupkgSigningError('NU3001', `The sign command '${program}' ${why}.`, { cause });

    let result: BoundedProcessResult;
    try {
      result = await runBoundedProcess({
        file: plan.file,
        args: plan.args,
        env,
        ...(this.options.cwd === undefined ? {} : { cwd: this.options.cwd }),
        ...(plan.windowsVerbatimArguments ? { windowsVerbatimArguments: true } : {}),
        input: `${JSON.stringify(request)}\n`,
        timeoutMs: this.timeoutMs,
        maxStdoutBytes: MAX_ANSWER_BYTES,
      });
    } catch (error) {
      if (!(error instanceof BoundedProcessError)) throw error;
      if (error.failure === 'timeout')
        throw fail(`did not finish within ${this.timeoutMs / 1000} s`);
      if (error.failure === 'output') throw fail('printed far more than a signature');
      throw fail('could not be started', error.cause);
    }
    if (result.code === 0) return result.stdout.toString('utf8');
    const detail = lastLine(result.stderr.toString('utf8'));
    const status = result.signal
      ? `was killed by ${result.signal}`
      : `exited with code ${result.code ?? '?'}`;
    throw fail(`${status}${detail ? `: ${detail}` : ''}`);
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return (lines[lines.length - 1] ?? '').trim().slice(0, STDERR_QUOTE_CHARS);
}
