import { createHash, type Hash } from 'node:crypto';
import { NupkgSigningError } from '../errors.js';
import type { HashAlgorithmName } from '../signature/hash-algorithms.js';
import type { PackageArchive } from './archive.js';
import type { RandomAccessFile } from './random-access-file.js';
import { END_OF_CENTRAL_DIRECTORY_SIZE, type CentralDirectoryRecord } from './zip-format.js';

/** Bytes read per I/O; two such buffers are reused for the whole file (flat memory). */
const CHUNK_SIZE = 4 * 1024 * 1024;

interface Span {
  readonly record: CentralDirectoryRecord;
  /** NuGet's `TotalSize`: from this local header to the next one (or to the CD start). */
  readonly totalSize: number;
}

/**
 * The package hash NuGet signs: the archive with the signature entry taken out, byte-exact
 * (nuget-signing-spec.md §3.2, NuGet's `VerifySignedPackageIntegrity`). It works wherever the
 * signature entry sits, as NuGet's does. Costs one sequential pass over the file.
 *
 * Throws NU3008 when the archive's offsets make the hash impossible to compute (NuGet reports any
 * exception during hashing as an integrity failure).
 */
export async function computeSignedPackageHash(
  archive: PackageArchive,
  signature: CentralDirectoryRecord,
  algorithm: HashAlgorithmName,
  options: {
    /** Called with the first bytes of each other entry's span (its local header), as it passes. */
    readonly onLocalHeader?: (record: CentralDirectoryRecord, head: Buffer) => void;
  } = {},
): Promise<Buffer> {
  const { file, records } = archive;
  const broken = (why: string) =>
    new NupkgSigningError('NU3008', `The package integrity check failed: ${why}.`, {
      file: file.path,
    });

  // reduce, not Math.min(...spread): an archive can hold more records than a call has arguments.
  const startOfLocalHeaders = records.reduce(
    (min, r) => Math.min(min, r.localHeaderOffset),
    Infinity,
  );
  const startOfCentralDirectory = records.reduce((min, r) => Math.min(min, r.position), Infinity);
  const last = records[records.length - 1];
  if (!last) throw broken('the archive has no central directory records');
  const endOfCentralDirectory = last.position + last.headerSize;
  if (endOfCentralDirectory + END_OF_CENTRAL_DIRECTORY_SIZE > file.size) {
    throw broken('the end of central directory record does not follow the central directory');
  }

  const spans = entrySpans(records, startOfCentralDirectory);
  const signatureSpan = spans.find((s) => s.record === signature);
  if (!signatureSpan) throw broken('the signature entry is missing from the central directory');
  for (const span of spans) {
    if (span.totalSize < 0 || span.record.localHeaderOffset + span.totalSize > file.size) {
      throw broken(
        `the entry at offset ${span.record.localHeaderOffset} lies outside the local entry region`,
      );
    }
  }

  const hash = createHash(algorithm);
  const reader = new ChunkedReader(file, hash);

  // 1–2: everything before the first local header, then each other entry's span in offset order.
  await reader.copy(0, startOfLocalHeaders);
  const adjustedOffsets = new Map<CentralDirectoryRecord, number>();
  let runningEnd = 0;
  for (const span of spans) {
    if (span.record === signature) continue;
    adjustedOffsets.set(span.record, runningEnd);
    runningEnd += span.totalSize;
    const inspect = options.onLocalHeader;
    await reader.copy(
      span.record.localHeaderOffset,
      span.totalSize,
      inspect && ((head) => inspect(span.record, head)),
    );
  }

  // 3: central directory headers without the signature's, local header offsets re-based.
  const offsetField = Buffer.alloc(4);
  for (const record of records) {
    if (record === signature) continue;
    hash.update(record.raw.subarray(0, 42));
    offsetField.writeUInt32LE((adjustedOffsets.get(record) as number) >>> 0);
    hash.update(offsetField);
    hash.update(record.raw.subarray(46));
  }

  // 4: the end record, read where the central directory ends, with the signature subtracted.
  const eocd = await file.read(endOfCentralDirectory, END_OF_CENTRAL_DIRECTORY_SIZE);
  const adjusted = Buffer.alloc(12);
  adjusted.writeUInt16LE((eocd.readUInt16LE(8) - 1) & 0xffff, 0);
  adjusted.writeUInt16LE((eocd.readUInt16LE(10) - 1) & 0xffff, 2);
  adjusted.writeUInt32LE((eocd.readUInt32LE(12) - signature.headerSize) >>> 0, 4);
  adjusted.writeUInt32LE((eocd.readUInt32LE(16) - signatureSpan.totalSize) >>> 0, 8);
  hash.update(eocd.subarray(0, 8));
  hash.update(adjusted);
  await reader.copy(endOfCentralDirectory + 20, file.size - endOfCentralDirectory - 20);
  return hash.digest();
}

/** NuGet's entry spans: records sorted by local header offset, each up to the next (§3.1 step 6). */
function entrySpans(
  records: readonly CentralDirectoryRecord[],
  startOfCentralDirectory: number,
): Span[] {
  const sorted = [...records].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  return sorted.map((record, i) => {
    const next = sorted[i + 1];
    const end = next ? next.localHeaderOffset : startOfCentralDirectory;
    return { record, totalSize: end - record.localHeaderOffset };
  });
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

  /** `inspectFirst` sees the first chunk of the range before it is hashed (and reused). */
  async copy(
    position: number,
    length: number,
    inspectFirst?: (head: Buffer) => void,
  ): Promise<void> {
    if (length <= 0) return;
    let which = 0;
    let pending = this.readChunk(which, position, length);
    let done = 0;
    while (done < length) {
      const size = await pending;
      const current = this.buffers[which] as Buffer;
      if (done === 0) inspectFirst?.(current.subarray(0, size));
      done += size;
      which ^= 1;
      if (done < length) pending = this.readChunk(which, position + done, length - done);
      this.hash.update(current.subarray(0, size));
    }
  }

  private async readChunk(which: number, position: number, remaining: number): Promise<number> {
    const size = Math.min(CHUNK_SIZE, remaining);
    await this.file.readInto(this.buffers[which] as Buffer, 0, size, position);
    return size;
  }
}
