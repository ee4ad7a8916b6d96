import { NupkgSigningError } from '../errors.js';

/** Why an HTTP request did not yield a usable answer. Each kind has one sentence (below). */
export type HttpFailure =
  /** No answer: refused, reset, DNS, TLS… `detail` is the system code when there is one. */
  | { readonly kind: 'network'; readonly detail: string }
  /** No complete answer within the time given to this attempt. */
  | { readonly kind: 'timeout'; readonly ms: number }
  /** The caller's overall deadline had passed before the request could be sent. */
  | { readonly kind: 'deadline' }
  /** The caller's AbortSignal fired. */
  | { readonly kind: 'aborted' }
  /** A final answer that is not 2xx. */
  | {
      readonly kind: 'status';
      readonly status: number;
      /** The reason phrase, reduced to printable ASCII. */
      readonly statusText: string;
      /** Retry-After as milliseconds to wait, from either form (retry-after.ts). */
      readonly retryAfterMs: number | undefined;
      /** Whether the request carried an Authorization header (401/403 then hint at it). */
      readonly credentialsSent: boolean;
      /** The answer's body, when the request asked for error bodies (`readErrorBody`). */
      readonly body?: Uint8Array;
    }
  /** The body passed the size limit (or announced that it would). */
  | {
      readonly kind: 'too-large';
      readonly limit: number;
      /** What the limit is for, e.g. "a timestamp response". */
      readonly limitName: string;
      readonly declared: number | undefined;
    }
  /** A redirect that was not followed; `to` is already made safe for display. */
  | {
      readonly kind: 'redirect';
      readonly status: number;
      readonly to: string;
      readonly why: string;
    };

/** What heals by itself: the network, timeouts, 408, 429 and 5xx. Never a refusal of ours. */
export function isRetryable(failure: HttpFailure): boolean {
  switch (failure.kind) {
    case 'network':
    case 'timeout':
      return true;
    case 'status':
      return failure.status === 408 || failure.status === 429 || failure.status >= 500;
    default:
      return false;
  }
}

/** The sentence that follows the server's URL in a message. */
export function failureSentence(failure: HttpFailure): string {
  switch (failure.kind) {
    case 'network':
      return `cannot be reached: ${failure.detail}`;
    case 'timeout':
      return `did not answer within ${Math.round(failure.ms)} ms`;
    case 'deadline':
      return 'was not asked: the total time limit was reached';
    case 'aborted':
      return 'was not asked: the operation was cancelled';
    case 'status': {
      const text = failure.statusText ? ` ${failure.statusText}` : '';
      const refused = failure.status === 401 || failure.status === 403;
      const hint = refused && failure.credentialsSent ? ' (check the bearer token)' : '';
      return `answered HTTP ${failure.status}${text}${hint}`;
    }
    case 'too-large': {
      const declared =
        failure.declared === undefined ? '' : ` (its Content-Length says ${failure.declared})`;
      return `sent more than ${failure.limit} bytes, the limit for ${failure.limitName}${declared}; reading stopped there`;
    }
    case 'redirect':
      return `redirected with HTTP ${failure.status} to ${failure.to}, which was not followed: ${failure.why}`;
  }
}

export interface HttpErrorContext {
  /** Who was asked, put before the URL: "The timestamp server". None: the URL starts the message. */
  readonly service: string | undefined;
  /** The URL as shown (displayUrl). */
  readonly url: string;
  /** Where redirects led, when the failure happened there (shown like `url`). */
  readonly redirectedTo?: string;
  /** Attempts made, when the request was retried. */
  readonly attempts?: number;
  /** True when retries were left but the total time limit left no time for another. */
  readonly outOfTime?: boolean;
  /** What the user can do, appended as its own sentence. */
  readonly advice?: string;
}

/**
 * Every HTTP failure of every client, as one NUPKG006 error whose message is built here:
 * "<service> <url> [(redirected to <url>)] <sentence> [(<how the retries ended>)][. <advice>]".
 */
export class HttpError extends NupkgSigningError {
  readonly failure: HttpFailure;
  readonly context: HttpErrorContext;

  constructor(failure: HttpFailure, context: HttpErrorContext) {
    super('NUPKG006', httpErrorMessage(failure, context));
    this.name = 'HttpError';
    this.failure = failure;
    this.context = context;
  }
}

export function httpErrorMessage(failure: HttpFailure, context: HttpErrorContext): string {
  const where =
    context.redirectedTo === undefined
      ? context.url
      : `${context.url} (redirected to ${context.redirectedTo})`;
  const subject = context.service === undefined ? where : `${context.service} ${where}`;
  const notes: string[] = [];
  if (failure.kind === 'network') notes.push('network error');
  if ((context.attempts ?? 1) > 1) notes.push(`gave up after ${context.attempts} attempts`);
  if (context.outOfTime) notes.push('the total time limit leaves no time for another attempt');
  const tail = notes.length > 0 && context.attempts !== undefined ? ` (${notes.join('; ')})` : '';
  const advice = context.advice === undefined ? '' : `. ${context.advice}`;
  return `${subject} ${failureSentence(failure)}${tail}${advice}`;
}
