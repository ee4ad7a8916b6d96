import { closeSync, fstatSync, openSync, readSync, constants as fs } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ErrorCode } from '../codes.js';
import { NupkgSigningError, describeError } from '../errors.js';

/** What to read and how to say it failed. */
export interface BoundedRead {
  /** More bytes than this is refused while reading, not after: the file may grow or lie. */
  readonly maxBytes: number;
  /** The code of every refusal: NUPKG005 for configuration, NUPKG002 for a package. */
  readonly code: ErrorCode;
  /** What the file is, for messages: "policy file", "nuget.config", "certificate file". */
  readonly what: string;
}

const CHUNK = 64 * 1024;

/**
 * The file could not be read at all (missing, no permission, a directory, a FIFO): an I/O
 * failure, as opposed to a file that was read and refused (too large) or whose content is wrong.
 * Commands that report a bad file as a finding (exit 1) still end with exit 2 on this one.
 */
export class FileAccessError extends NupkgSigningError {}

/**
 * Reads a whole file that a user (or a pull request) named, in bounded time and memory: only a
 * regular file is read (a FIFO, a device such as /dev/zero, a socket or a directory is refused at
 * once instead of blocking or reading forever), it is opened without blocking on a FIFO, and the
 * size limit is checked while reading.
 */
export function readBoundedFileSync(path: string, read: BoundedRead): Buffer {
  let fd: number;
  try {
    fd = openSync(path, fs.O_RDONLY | fs.O_NONBLOCK);
  } catch (error) {
    throw unreadable(path, read, error);
  }
  try {
    checkRegularFile(fstatSync(fd), path, read);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, chunk, 0, CHUNK, null);
      if (n === 0) break;
      total += n;
      if (total > read.maxBytes) throw tooLarge(path, read);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof NupkgSigningError) throw error;
    throw unreadable(path, read, error);
  } finally {
    closeSync(fd);
  }
}

/** The same as {@link readBoundedFileSync}, without blocking the event loop. */
export async function readBoundedFile(path: string, read: BoundedRead): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, fs.O_RDONLY | fs.O_NONBLOCK);
  } catch (error) {
    throw unreadable(path, read, error);
  }
  try {
    checkRegularFile(await handle.stat(), path, read);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > read.maxBytes) throw tooLarge(path, read);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof NupkgSigningError) throw error;
    throw unreadable(path, read, error);
  } finally {
    await handle.close();
  }
}

function checkRegularFile(
  stats: { isFile(): boolean; isDirectory(): boolean },
  path: string,
  read: BoundedRead,
): void {
  if (stats.isFile()) return;
  const kind = stats.isDirectory()
    ? 'a directory'
    : 'not a regular file (a FIFO, device or socket)';
  throw new FileAccessError(
    read.code,
    `The ${read.what} '${path}' is ${kind}. Name a regular file.`,
    { file: path },
  );
}

function tooLarge(path: string, read: BoundedRead): NupkgSigningError {
  return new NupkgSigningError(
    read.code,
    `The ${read.what} '${path}' is larger than ${read.maxBytes} bytes, the limit for it. Check that it is the right file.`,
    { file: path },
  );
}

function unreadable(path: string, read: BoundedRead, error: unknown): NupkgSigningError {
  return new FileAccessError(
    read.code,
    `The ${read.what} '${path}' cannot be read (${describeError(error)}).`,
    { file: path, cause: error },
  );
}
