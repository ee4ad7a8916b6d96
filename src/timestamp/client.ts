import { performance } from 'node:perf_hooks';
import { digest } from '../crypto.js';
import { describeError, NupkgSigningError } from '../errors.js';
import type { CertificateView } from '../signature/certificate.js';
import type { HashAlgorithmName } from '../hash-algorithms.js';
import { parseTimestampToken, type TimestampTokenView } from '../signature/timestamp-token.js';
import { checkHttpUrl, displayUrl } from '../http/url.js';
import { defaultSleep, postTimeStampQuery } from './http.js';
import { buildTimeStampRequest } from './request.js';
import { checkTimeStampResponse } from './response-checks.js';
import { readTimeStampResp } from './response.js';
import type { TimestampServerMemory } from './server-memory.js';

export interface RequestTimestampOptions {
  /** RFC 3161 endpoints, tried in order until one yields an acceptable token. */
  readonly urls: readonly string[];
  /** Content octets of the timestamped SignerInfo's `signature` (the imprint is their hash). */
  readonly signatureValue: Uint8Array;
  /** The timestamp hash algorithm (`--timestamp-hash-algorithm`); SHA-256 in NuGet by default. */
  readonly hashAlgorithm: HashAlgorithmName;
  /** Per attempt; NuGet uses 10 s. */
  readonly timeoutMs?: number;
  /** Across all URLs and retries. */
  readonly totalTimeoutMs?: number;
  /** Extra attempts per URL for retryable failures (network, timeout, 408, 429, 5xx). */
  readonly retries?: number;
  /** Wall clock for certificate validity checks (NU3025). */
  readonly now: () => Date;
  /** Nonce randomness; tests pin it. */
  readonly random?: (length: number) => Uint8Array;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Progress notes (retries, fallbacks). Never receives request or response bodies. */
  readonly log?: (message: string) => void;
  /** The run's memory of failed servers and its deadline, shared by all its packages. */
  readonly memory?: TimestampServerMemory;
}

export interface TimestampResult {
  /** DER TimeStampToken exactly as the TSA sent it. */
  readonly tokenDer: Uint8Array;
  readonly token: TimestampTokenView;
  /** The TSA certificate the token's signer names (the checks guarantee it is present). */
  readonly tsa: CertificateView;
  readonly url: string;
  readonly genTime: Date;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 60_000;
export const DEFAULT_RETRIES = 2;

/**
 * Obtains an RFC 3161 timestamp for a signature value the way `dotnet nuget sign` does
 * (nuget-signing-spec.md §10.3 step 4), with retries and fallback URLs on top. With a run's
 * memory, servers that failed earlier in the run are skipped at once. When none succeeds, throws
 * one error (the last server's code) that gives every server's reason.
 */
export async function requestTimestamp(options: RequestTimestampOptions): Promise<TimestampResult> {
  if (options.urls.length === 0) {
    throw new NupkgSigningError('NUPKG003', 'No timestamp server URL was given.');
  }
  for (const url of options.urls) checkHttpUrl(url, 'The timestamp server URL');
  const deadline = Math.min(
    performance.now() + (options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS),
    options.memory?.deadline ?? Infinity,
  );
  const hashedMessage = digest(options.hashAlgorithm, options.signatureValue);
  const failures: ServerFailure[] = [];

  for (const [index, url] of options.urls.entries()) {
    const endTurn = (await options.memory?.turnToAsk(url)) ?? (() => undefined);
    const earlier = options.memory?.failureOf(url);
    if (earlier) {
      endTurn();
      failures.push({ url, error: earlier, earlier: true });
      continue;
    }
    try {
      // A fresh nonce per server: each request stands alone.
      const request = buildTimeStampRequest(options.hashAlgorithm, hashedMessage, options.random);
      const { body, contentType } = await postTimeStampQuery(url, request.der, {
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        retries: options.retries ?? DEFAULT_RETRIES,
        deadline,
        sleep: options.sleep ?? defaultSleep,
        log: options.log,
      });
      // Messages name the server without credentials or query (displayUrl).
      const shown = displayUrl(url);
      const tokenDer = readTimeStampResp(body, shown, contentType);
      const token = parseToken(tokenDer, shown);
      const tsa = checkTimeStampResponse(request, token, shown, options.now());
      options.memory?.answered(url);
      return { tokenDer, token, tsa, url, genTime: token.tstInfo.genTime };
    } catch (error) {
      if (!(error instanceof NupkgSigningError)) throw error;
      options.memory?.remember(url, error);
      failures.push({ url, error, earlier: false });
      if (index < options.urls.length - 1) {
        options.log?.(`${describeError(error)} Trying the next timestamp server.`);
      }
    } finally {
      endTurn();
    }
  }
  throw allServersFailed(failures);
}

interface ServerFailure {
  readonly url: string;
  readonly error: NupkgSigningError;
  /** True when the server failed for an earlier package of the run and was not asked again. */
  readonly earlier: boolean;
}

/**
 * Parses with the verifier's model. Every structural problem is NU3021 here, the code NuGet gives
 * an invalid token at sign time (nuget-signing-spec.md §5.2), and names the server that sent it.
 */
function parseToken(tokenDer: Uint8Array, url: string): TimestampTokenView {
  try {
    return parseTimestampToken(tokenDer);
  } catch (error) {
    if (!(error instanceof NupkgSigningError)) throw error;
    throw new NupkgSigningError(
      'NU3021',
      `The timestamp token from ${url} is invalid: ${describeError(error)}`,
      { cause: error },
    );
  }
}

/**
 * One error that gives every server's reason, in the order they were tried, with the last
 * server's code. A single server asked now keeps its own error unchanged.
 */
function allServersFailed(failures: readonly ServerFailure[]): NupkgSigningError {
  const last = failures[failures.length - 1];
  if (last === undefined) throw new Error('unreachable: at least one URL was given');
  if (failures.length === 1 && !last.earlier) return last.error;
  const reasons = failures.map(({ url, error, earlier }, index) => {
    const note = earlier ? ' (failed for an earlier package of this run; not asked again)' : '';
    return `${index + 1}) ${displayUrl(url)}: ${error.code}${note}: ${withoutFinalStop(error.message)}.`;
  });
  return new NupkgSigningError(
    last.error.code,
    `No timestamp server gave a timestamp. ${reasons.join(' ')}`,
    { cause: last.error },
  );
}

function withoutFinalStop(text: string): string {
  return text.replace(/\.\s*$/, '');
}
