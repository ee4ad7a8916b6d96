import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { RandomAccessFile } from './random-access-file.js';

/**
 * Streams a package described as pieces (ranges of the source file, or bytes made here) into an
 * output file and/or a hash, so copying and hashing share one read of each source byte.
 */

/** Read size: large enough that a multi-GiB copy is a few hundred reads, small for a flat RSS. */
const READ_CHUNK = 4 * 1024 * 1024;
/** What small writes are gathered into. */
const WRITE_BUFFER = 1024 * 1024;

export interface FileRange {
  readonly position: number;
  readonly length: number;
}

/** A range of the source file, or bytes produced here. */
export type Piece = Uint8Array | FileRange;

/** Where each piece goes: the output file, the unsigned-package hash, or both. */
export interface Part {
  readonly piece: Piece;
  readonly output: boolean;
  readonly unsigned: boolean;
}

/** Streams the parts, in order, into the output and/or the hash. */
export async function emit(
  file: RandomAccessFile,
  parts: readonly Part[],
  sinks: Sinks,
): Promise<void> {
  const buffers: Buffer[] = [];
  for (const part of parts) {
    const { piece } = part;
    if (piece instanceof Uint8Array) {
      if (part.unsigned) sinks.hash?.update(piece);
      if (part.output) await sinks.output?.write(piece);
    } else {
      await streamRange(file, piece, part, sinks, buffers);
    }
  }
}

interface Sinks {
  readonly output?: BufferedOutput;
  readonly hash?: Hash;
}

/**
 * Streams one range of the source with two reused buffers, so the disk works while the CPU hashes:
 * chunk k+1 is read and hashed while chunk k is being written. Every write is awaited before the
 * next starts (output order) and before its buffer is read into again. Hash.update copies nothing
 * it keeps, so a hashed buffer is free as soon as its write is done.
 */
async function streamRange(
  file: RandomAccessFile,
  range: FileRange,
  part: Part,
  sinks: Sinks,
  buffers: Buffer[],
): Promise<void> {
  const read = async (k: number): Promise<Buffer> => {
    const buffer = (buffers[k % 2] ??= Buffer.allocUnsafe(READ_CHUNK));
    const size = Math.min(READ_CHUNK, range.length - k * READ_CHUNK);
    await file.readInto(buffer, 0, size, range.position + k * READ_CHUNK);
    return buffer.subarray(0, size);
  };
  const chunks = Math.ceil(range.length / READ_CHUNK);
  let reading: Promise<Buffer> | undefined = chunks > 0 ? read(0) : undefined;
  let writing: Promise<void> = Promise.resolve();
  try {
    for (let k = 0; reading; k++) {
      const bytes: Buffer = await reading;
      reading = undefined;
      if (part.unsigned) sinks.hash?.update(bytes);
      await writing; // frees the other buffer
      if (part.output && sinks.output) writing = sinks.output.write(bytes);
      if (k + 1 < chunks) reading = read(k + 1);
    }
    await writing;
  } catch (error) {
    // Settle what is in flight, so nothing touches the files after the caller closes them.
    await Promise.allSettled([reading, writing]);
    throw error;
  }
}

/**
 * Lets `fill` write to `handle` (the temporary file of an atomic write) through a buffer, and
 * flushes the buffer; the handle stays open for its owner.
 */
export async function withBufferedOutput<T>(
  handle: FileHandle,
  fill: (output: BufferedOutput) => Promise<T>,
): Promise<T> {
  const output = new BufferedOutput(handle);
  const result = await fill(output);
  await output.flush();
  return result;
}

/** Gathers small writes (one per CD header: up to 65,535) into large ones. */
export class BufferedOutput {
  private readonly pending = Buffer.allocUnsafe(WRITE_BUFFER);
  private used = 0;

  constructor(private readonly handle: FileHandle) {}

  async write(bytes: Uint8Array): Promise<void> {
    if (this.used + bytes.length > this.pending.length) await this.flush();
    if (bytes.length >= this.pending.length) {
      await writeAll(this.handle, bytes);
      return;
    }
    this.pending.set(bytes, this.used);
    this.used += bytes.length;
  }

  async flush(): Promise<void> {
    await writeAll(this.handle, this.pending.subarray(0, this.used));
    this.used = 0;
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}
