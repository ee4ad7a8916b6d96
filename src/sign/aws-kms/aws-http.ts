import { Readable } from 'node:stream';
import type { DeserializeMiddleware, Pluggable } from '@smithy/types';
import { NupkgSigningError } from '../../errors.js';
import { LIMITS } from '../../limits.js';

/** Time for one answer: until its headers (the SDK's timer), then again for its body (ours). */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * How the AWS SDK's HTTP handler (its NodeHttpHandler) is set up for every request it sends for
 * us, KMS and STS alike. Its requestTimeout only logs a warning unless throwOnRequestTimeout is
 * set, and it ends when the headers arrive; the body is timed by boundedAnswers. It follows no
 * redirects: a 3xx is an error answer like any other.
 */
export const AWS_REQUEST_HANDLER = {
  connectionTimeout: 10_000,
  requestTimeout: ANSWER_TIMEOUT_MS,
  throwOnRequestTimeout: true,
} as const;

export type AwsService = 'KMS' | 'STS';

/**
 * Bounds every answer `service` sends: a middleware at the end of the deserialize step (so it
 * sees the raw response before the SDK's deserializer) reads the body while counting it, and the
 * moment the count passes LIMITS.maxAwsAnswerBytes destroys the stream, and with it the socket.
 * A Content-Length above the limit is refused before any body byte is read, and a body that does
 * not end within ANSWER_TIMEOUT_MS is cut off there. The deserializer then
 * gets the bytes read, not the stream. The error is thrown outside the deserializer, so it
 * reaches awsError as it is (NUPKG006), and it is no error the SDK retries.
 */
export function boundedAnswers<Input extends object, Output extends object>(
  service: AwsService,
): Pluggable<Input, Output> {
  return {
    applyToStack: (stack) =>
      stack.add(boundedAnswer<Input, Output>(service), {
        step: 'deserialize',
        priority: 'low',
        name: 'nupkgBoundedAnswer',
      }),
  };
}

function boundedAnswer<Input extends object, Output extends object>(
  service: AwsService,
): DeserializeMiddleware<Input, Output> {
  return (next) => async (args) => {
    const out = await next(args);
    const response = out.response as { headers?: Record<string, string>; body?: unknown };
    // NodeHttpHandler answers with the IncomingMessage; anything else is already in memory.
    if (response.body instanceof Readable) {
      response.body = await readBounded(response.body, response.headers ?? {}, service);
    }
    return out;
  };
}

async function readBounded(
  body: Readable,
  headers: Record<string, string>,
  service: AwsService,
): Promise<Uint8Array> {
  const limit = LIMITS.maxAwsAnswerBytes;
  const declared = /^\d+$/.test(headers['content-length'] ?? '')
    ? Number(headers['content-length'])
    : undefined;
  const chunks: Buffer[] = [];
  let total = 0;
  const timer = setTimeout(() => body.destroy(timedOut(service)), ANSWER_TIMEOUT_MS);
  try {
    if (declared !== undefined && declared > limit) throw tooLarge(service, declared);
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > limit) throw tooLarge(service, declared);
      chunks.push(chunk);
    }
  } finally {
    clearTimeout(timer);
    // Ends the connection of an answer not read to its end; a no-op for one that was.
    body.destroy();
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}

function tooLarge(service: AwsService, declared: number | undefined): NupkgSigningError {
  const said = declared === undefined ? '' : ` (its Content-Length says ${declared})`;
  return new NupkgSigningError(
    'NUPKG006',
    `AWS ${service} sent more than ${LIMITS.maxAwsAnswerBytes} bytes, the limit for an AWS ${service} answer${said}; reading stopped there. Check the ${service} endpoint: real answers are a few KB.`,
  );
}

function timedOut(service: AwsService): NupkgSigningError {
  return new NupkgSigningError(
    'NUPKG006',
    `AWS ${service} did not finish its answer within ${ANSWER_TIMEOUT_MS} ms after its headers; reading stopped there. Check the ${service} endpoint and the network, then retry.`,
  );
}
