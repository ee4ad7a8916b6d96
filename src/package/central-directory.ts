import {
  CENTRAL_DIRECTORY_HEADER_SIZE,
  CENTRAL_DIRECTORY_SIGNATURE,
  SIGNATURE_FILE_NAME,
  UTF8_FLAG,
  parseCentralDirectoryRecord,
  type CentralDirectoryRecord,
} from './zip-format.js';

/**
 * The central directory as read: the bytes, and where each header starts in them (4 bytes per
 * entry). Fields are read from the bytes when asked and records made one at a time, so a
 * directory of a million entries costs its own bytes plus 4 MB, not a million objects (each
 * record object with its three buffer views costs about 500 bytes).
 */
export class CentralDirectory {
  private constructor(
    /** The directory's bytes; `bytes[0]` is at file position `start`. */
    private readonly bytes: Buffer,
    private readonly start: number,
    /** Where each header starts in `bytes`, in directory order. */
    private readonly headerStarts: Uint32Array,
    /** Bytes of contiguous headers from `bytes[0]`: the walk stopped there. */
    readonly walkedLength: number,
  ) {}

  /**
   * Walks contiguous CD headers from the start of `bytes` until the first bytes that are not one
   * (NuGet's loop), recording where each starts.
   */
  static walk(bytes: Buffer, start: number): CentralDirectory {
    // A header is at least 46 bytes: this bounds the count before anything is allocated.
    const starts = new Uint32Array(Math.floor(bytes.length / CENTRAL_DIRECTORY_HEADER_SIZE));
    let count = 0;
    let offset = 0;
    for (;;) {
      const size = headerSizeAt(bytes, offset);
      if (size === undefined) break;
      starts[count++] = offset;
      offset += size;
    }
    return new CentralDirectory(bytes, start, starts.slice(0, count), offset);
  }

  /** Number of headers walked. */
  get length(): number {
    return this.headerStarts.length;
  }

  /** The record at `index` (directory order), made on demand: keep only the few you need. */
  record(index: number): CentralDirectoryRecord {
    return parseCentralDirectoryRecord(
      this.bytes,
      this.headerAt(index),
      this.start,
      index,
    ) as CentralDirectoryRecord;
  }

  /** Each record in directory order, one at a time. */
  *[Symbol.iterator](): IterableIterator<CentralDirectoryRecord> {
    for (let i = 0; i < this.length; i++) yield this.record(i);
  }

  /** File offset of header `index` (NuGet: `Position`). */
  position(index: number): number {
    return this.start + this.headerAt(index);
  }

  /** Size of header `index`: 46 + name + extra + comment lengths (NuGet: `HeaderSize`). */
  headerSize(index: number): number {
    const at = this.headerAt(index);
    return (
      CENTRAL_DIRECTORY_HEADER_SIZE +
      this.bytes.readUInt16LE(at + 28) +
      this.bytes.readUInt16LE(at + 30) +
      this.bytes.readUInt16LE(at + 32)
    );
  }

  /** Relative offset of the local header as stored (32-bit; NuGet: `Offset`). */
  localHeaderOffset(index: number): number {
    return this.bytes.readUInt32LE(this.headerAt(index) + 42);
  }

  diskNumberStart(index: number): number {
    return this.bytes.readUInt16LE(this.headerAt(index) + 34);
  }

  /** The whole header `index` as stored (a view, not a copy). */
  raw(index: number): Buffer {
    const at = this.headerAt(index);
    return this.bytes.subarray(at, at + this.headerSize(index));
  }

  /** Copies header `index` into `target` at `targetOffset`; returns its size. */
  copyHeader(index: number, target: Buffer, targetOffset: number): number {
    const at = this.headerAt(index);
    const size = this.headerSize(index);
    this.bytes.copy(target, targetOffset, at, at + size);
    return size;
  }

  /** The walked headers, `[0, walkedLength)` of the bytes (a view). */
  walkedBytes(): Buffer {
    return this.bytes.subarray(0, this.walkedLength);
  }

  /** True when header `index`'s name bytes are exactly `name`. */
  nameEquals(index: number, name: Buffer): boolean {
    const at = this.headerAt(index);
    const length = this.bytes.readUInt16LE(at + 28);
    if (length !== name.length) return false;
    const nameStart = at + CENTRAL_DIRECTORY_HEADER_SIZE;
    return this.bytes.compare(name, 0, name.length, nameStart, nameStart + length) === 0;
  }

  /** Some entry's name is exactly `.signature.p7s` (whatever its flags): NuGet then says signed. */
  hasSignatureName(): boolean {
    for (let i = 0; i < this.length; i++) if (this.nameEquals(i, SIGNATURE_FILE_NAME)) return true;
    return false;
  }

  /** Indexes of the records NuGet's raw reader takes for the signature entry (§1.1). */
  signatureIndexes(): number[] {
    const found: number[] = [];
    for (let i = 0; i < this.length; i++) {
      const flags = this.bytes.readUInt16LE(this.headerAt(i) + 8);
      if ((flags & UTF8_FLAG) === 0 && this.nameEquals(i, SIGNATURE_FILE_NAME)) found.push(i);
    }
    return found;
  }

  /** True when header `index`'s extra field holds a block with this ID (§1.4 rule 2). */
  hasExtraBlock(index: number, headerId: number): boolean {
    const at = this.headerAt(index);
    const extraStart = at + CENTRAL_DIRECTORY_HEADER_SIZE + this.bytes.readUInt16LE(at + 28);
    const extraEnd = extraStart + this.bytes.readUInt16LE(at + 30);
    let i = extraStart;
    while (i + 4 <= extraEnd) {
      if (this.bytes.readUInt16LE(i) === headerId) return true;
      i += 4 + this.bytes.readUInt16LE(i + 2);
    }
    return false;
  }

  /**
   * Record indexes sorted by local header offset, ties in directory order (a stable sort, as
   * NuGet's). One 8-byte key per record: offset × 2^21 + index, sorted as numbers, is exact for
   * 32-bit offsets and up to 2^21 records, and far faster than a comparator.
   */
  indexesByLocalHeaderOffset(): Uint32Array {
    const count = this.length;
    if (count > SORT_INDEX_LIMIT) {
      throw new RangeError(`cannot order ${count} records (at most ${SORT_INDEX_LIMIT})`);
    }
    const keys = new Float64Array(count);
    for (let i = 0; i < count; i++) keys[i] = this.localHeaderOffset(i) * SORT_INDEX_LIMIT + i;
    keys.sort();
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = (keys[i] as number) % SORT_INDEX_LIMIT;
    return order;
  }

  private headerAt(index: number): number {
    if (!(index >= 0 && index < this.headerStarts.length)) {
      throw new RangeError(`no central directory record ${index}`);
    }
    return this.headerStarts[index] as number;
  }
}

/** Records `indexesByLocalHeaderOffset` can order exactly (2^21; LIMITS.maxEntries is below). */
export const SORT_INDEX_LIMIT = 2 ** 21;

/** Size of the complete CD header at `offset`, or undefined when the bytes there are not one. */
function headerSizeAt(bytes: Buffer, offset: number): number | undefined {
  if (offset + CENTRAL_DIRECTORY_HEADER_SIZE > bytes.length) return undefined;
  if (bytes.readUInt32LE(offset) !== CENTRAL_DIRECTORY_SIGNATURE) return undefined;
  const size =
    CENTRAL_DIRECTORY_HEADER_SIZE +
    bytes.readUInt16LE(offset + 28) +
    bytes.readUInt16LE(offset + 30) +
    bytes.readUInt16LE(offset + 32);
  return offset + size > bytes.length ? undefined : size;
}
