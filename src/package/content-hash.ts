import { createHash, type Hash } from 'node:crypto';
import { NupkgSigningError } from '../errors.js';
import type { HashAlgorithmName } from '../hash-algorithms.js';
import type { PackageArchive } from './archive.js';
import type { RandomAccessFile } from './random-access-file.js';
import {
  END_OF_CENTRAL_DIRECTORY_SIZE,
  LOCAL_FILE_HEADER_SIZE,
  type CentralDirectoryRecord,
} from './zip-format.js';

/** Bytes read per I/O; two such buffers are reused for the whole file (flat memory). */
const CHUNK_SIZE = 4 * 1024 * 1024;
/** A local header with the longest name and extra field: what `onLocalHeader` is shown at most. */
const MAX_LOCAL_HEADER_BYTES = LOCAL_FILE_HEADER_SIZE + 0xffff + 0xffff;
/** The re-based central directory is hashed in pieces of this size. */
const STAGING_SIZE = 1024 * 1024;

/**
 * The package hash NuGet signs: the archive with the signature entry taken out, byte-exact
 * (nuget-signing-spec.md §3.2, NuGet's `VerifySignedPackageIntegrity`). It works wherever the
 * signature entry sits, as NuGet's does. Costs one sequential pass over the file, and memory
 * that does not grow with the file: 12 bytes per entry besides the directory already read.
 *
 * Throws NU3008 when the archive's offsets make the hash impossible to compute (NuGet reports any
 * exception during hashing as an integrity failure).
 */
export async function computeSignedPackageHash(
  archive: PackageArchive,
  signature: CentralDirectoryRecord,
  algorithm: HashAlgorithmName,
  options: {
    /**
     * Called, in offset order, for each other entry whose span is not empty, with the first bytes
     * of its span (its local header with name and extra field, or the whole span if shorter).
     */
    readonly onLocalHeader?: (record: CentralDirectoryRecord, head: Buffer) => void;
  } = {},
): Promise<Buffer> {
  const { file, directory } = archive;
  const broken = (why: string) =>
    new NupkgSigningError('NU3008', `The package integrity check failed: ${why}.`, {
      file: file.path,
    });

  const count = directory.length;
  if (count === 0) throw broken('the archive has no central directory records');
  // The walk is contiguous: the first header starts the directory, the last one ends it.
  const startOfCentralDirectory = directory.position(0);
  const endOfCentralDirectory = directory.position(count - 1) + directory.headerSize(count - 1);
  if (endOfCentralDirectory + END_OF_CENTRAL_DIRECTORY_SIZE > file.size) {
    throw broken('the end of central directory record does not follow the central directory');
  }

  // NuGet's entry spans (§3.1 step 6): records by local header offset, each up to the next one
  // (the last up to the directory). They tile [first local header, directory) in that order.
  const order = directory.indexesByLocalHeaderOffset();
  const offsetAt = (rank: number) => directory.localHeaderOffset(order[rank] as number);
  const spanEnd = (rank: number) =>
    rank + 1 < count ? offsetAt(rank + 1) : startOfCentralDirectory;
  const signatureRank = order.indexOf(signature.index);
  if (signatureRank < 0) throw broken('the signature entry is missing from the central directory');
  for (let rank = 0; rank < count; rank++) {
    const offset = offsetAt(rank);
    const totalSize = spanEnd(rank) - offset;
    if (totalSize < 0 || offset + totalSize > file.size) {
      throw broken(`the entry at offset ${offset} lies outside the local entry region`);
    }
  }
  const startOfLocalHeaders = offsetAt(0);
  const signatureStart = offsetAt(signatureRank);
  const signatureEnd = spanEnd(signatureRank);

  const hash = createHash(algorithm);
  const reader = new ChunkedReader(file, hash);
  const inspect = options.onLocalHeader;
  let nextRank = 0;
  /**
   * Shows each span that starts in `chunk` its head, in offset order (see onLocalHeader). Heads
   * inside the chunk are shown at once; a head that straddles two chunks (rare) is read on its
   * own, and only then is there something to wait for.
   */
  const inspectHeads = (chunk: Buffer, chunkPosition: number): Promise<void> | undefined => {
    const chunkEnd = chunkPosition + chunk.length;
    for (; nextRank < count; nextRank++) {
      const offset = offsetAt(nextRank);
      if (offset >= chunkEnd) return undefined;
      const size = Math.min(spanEnd(nextRank) - offset, MAX_LOCAL_HEADER_BYTES);
      if (nextRank === signatureRank || size === 0) continue;
      const record = directory.record(order[nextRank] as number);
      if (offset + size > chunkEnd) {
        nextRank++;
        return file.read(offset, size).then(async (head) => {
          inspect?.(record, head);
          await inspectHeads(chunk, chunkPosition);
        });
      }
      inspect?.(record, chunk.subarray(offset - chunkPosition, offset - chunkPosition + size));
    }
    return undefined;
  };
  const onChunk = inspect ? inspectHeads : undefined;

  // 1–2: everything before the first local header, then each other entry's span in offset order:
  // the local entries without the signature's span.
  await reader.copy(0, startOfLocalHeaders);
  await reader.copy(startOfLocalHeaders, signatureStart - startOfLocalHeaders, onChunk);
  await reader.copy(signatureEnd, startOfCentralDirectory - signatureEnd, onChunk);

  // 3: central directory headers without the signature's, local header offsets re-based: an
  // entry's new offset is the length of the spans hashed before its own. Runs of headers are
  // copied into a staging buffer, patched there, and hashed.
  const signatureSize = signatureEnd - signatureStart;
  const rebased = (i: number) => {
    const offset = directory.localHeaderOffset(i);
    const afterSignature =
      offset > signatureStart || (offset === signatureStart && i > signature.index);
    return (offset - startOfLocalHeaders - (afterSignature ? signatureSize : 0)) >>> 0;
  };
  const staging = Buffer.allocUnsafe(STAGING_SIZE);
  const hashHeaders = (first: number, end: number) => {
    if (first >= end) return;
    const length = directory.copyHeaders(first, end, staging);
    const base = directory.position(first);
    for (let i = first; i < end; i++) {
      staging.writeUInt32LE(rebased(i), directory.position(i) - base + 42);
    }
    hash.update(staging.subarray(0, length));
  };
  let first = 0;
  let runBytes = 0;
  for (let i = 0; i < count; i++) {
    const headerSize = directory.headerSize(i);
    if (i === signature.index) {
      hashHeaders(first, i);
      first = i + 1;
      runBytes = 0;
      continue;
    }
    if (runBytes + headerSize > staging.length) {
      hashHeaders(first, i);
      first = i;
      runBytes = 0;
    }
    runBytes += headerSize;
  }
  hashHeaders(first, count);

  // 4: the end record, read where the central directory ends, with the signature subtracted.
  const eocd = await file.read(endOfCentralDirectory, END_OF_CENTRAL_DIRECTORY_SIZE);
  const adjusted = Buffer.alloc(12);
  adjusted.writeUInt16LE((eocd.readUInt16LE(8) - 1) & 0xffff, 0);
  adjusted.writeUInt16LE((eocd.readUInt16LE(10) - 1) & 0xffff, 2);
  adjusted.writeUInt32LE((eocd.readUInt32LE(12) - signature.headerSize) >>> 0, 4);
  adjusted.writeUInt32LE((eocd.readUInt32LE(16) - signatureSize) >>> 0, 8);
  hash.update(eocd.subarray(0, 8));
  hash.update(adjusted);
  await reader.copy(endOfCentralDirectory + 20, file.size - endOfCentralDirectory - 20);
  return hash.digest();
}

/**
 * Feeds file ranges into a hash with two reused buffers, reading the next chunk while the current
 * one is hashed, so I/O and hashing overlap.
 */
class ChunkedReader {
  private readonly buffers = [Buffer.allocUnsafe(CHUNK_SIZE), Buffer.allocUnsafe(CHUNK_SIZE)];

  constructor(
    private readonly file: RandomAccessFile,
    private readonly hash: Hash,
  ) {}

  /** `onChunk` sees each chunk and its file position before it is hashed (and reused). */
  async copy(
    position: number,
    length: number,
    onChunk?: (chunk: Buffer, chunkPosition: number) => Promise<void> | undefined,
  ): Promise<void> {
    if (length <= 0) return;
    let which = 0;
    let pending = this.readChunk(which, position, length);
    let done = 0;
    try {
      while (done < length) {
        const size = await pending;
        const current = (this.buffers[which] as Buffer).subarray(0, size);
        const currentPosition = position + done;
        done += size;
        which ^= 1;
        if (done < length) pending = this.readChunk(which, position + done, length - done);
        const inspecting = onChunk?.(current, currentPosition);
        if (inspecting) await inspecting;
        this.hash.update(current);
      }
    } catch (error) {
      // Settle the read in flight, so nothing touches the file after the caller closes it.
      await Promise.allSettled([pending]);
      throw error;
    }
  }

  private async readChunk(which: number, position: number, remaining: number): Promise<number> {
    const size = Math.min(CHUNK_SIZE, remaining);
    await this.file.readInto(this.buffers[which] as Buffer, 0, size, position);
    return size;
  }
}
