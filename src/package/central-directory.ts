import {
  CENTRAL_DIRECTORY_HEADER_SIZE,
  CENTRAL_DIRECTORY_SIGNATURE,
  SIGNATURE_FILE_NAME,
  UTF8_FLAG,
  hasExtraBlock,
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
    private readonly walkedLength: number,
  ) {}

  /**
   * Walks contiguous CD headers from the start of `bytes` until the first bytes that are not one
   * (NuGet's loop), recording where each starts.
   */
  static walk(bytes: Buffer, start: number): CentralDirectory {
    // Counted first, so the one array made is exactly as long as needed.
    let count = 0;
    let offset = 0;
    for (let size = headerSizeAt(bytes, 0); size !== undefined; count++) {
      offset += size;
      size = headerSizeAt(bytes, offset);
    }
    const starts = new Uint32Array(count);
    offset = 0;
    for (let i = 0; i < count; i++) {
      starts[i] = offset;
      offset += headerSizeAt(bytes, offset) as number;
    }
    return new CentralDirectory(bytes, start, starts, offset);
  }

  /** Number of headers walked. */
  get length(): number {
    return this.headerStarts.length;
  }

  /** The record at `index` (directory order), made on demand: keep only the few you need. */
  record(index: number): CentralDirectoryRecord {
    return new DirectoryRecord(this.bytes, this.headerAt(index), this.start, index);
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

  /** Copies headers `[first, end)` (contiguous) into `target` from 0; returns the byte count. */
  copyHeaders(first: number, end: number, target: Buffer): number {
    const from = this.headerAt(first);
    const to = this.headerAt(end - 1) + this.headerSize(end - 1);
    return this.bytes.copy(target, 0, from, to);
  }

  /** The walked headers, `[0, walkedLength)` of the bytes (a view). */
  walkedBytes(): Buffer {
    return this.bytes.subarray(0, this.walkedLength);
  }

  /** General-purpose flags of header `index`. */
  flags(index: number): number {
    return this.bytes.readUInt16LE(this.headerAt(index) + 8);
  }

  compressionMethod(index: number): number {
    return this.bytes.readUInt16LE(this.headerAt(index) + 10);
  }

  compressedSize(index: number): number {
    return this.bytes.readUInt32LE(this.headerAt(index) + 20);
  }

  uncompressedSize(index: number): number {
    return this.bytes.readUInt32LE(this.headerAt(index) + 24);
  }

  extraLength(index: number): number {
    return this.bytes.readUInt16LE(this.headerAt(index) + 30);
  }

  /** Calls `visit` with the directory bytes and where header `index`'s name lies in them (no copy). */
  visitName<T>(index: number, visit: (bytes: Buffer, start: number, end: number) => T): T {
    const start = this.headerAt(index) + CENTRAL_DIRECTORY_HEADER_SIZE;
    return visit(this.bytes, start, start + this.bytes.readUInt16LE(start - 18));
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

  /**
   * Indexes of the records NuGet's raw reader takes for the signature entry (§1.1): exactly the
   * 14 name bytes and the UTF-8 flag clear.
   */
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
    return hasExtraBlock(this.bytes, headerId, extraStart, extraEnd);
  }

  /**
   * Record indexes sorted by local header offset, ties in directory order (a stable sort, as
   * NuGet's). One 8-byte key per record: offset × 2^21 + index, sorted as numbers, is exact for
   * 32-bit offsets and up to 2^21 records, far faster than a comparator, and turned into the
   * index in place (8 bytes per record in all).
   */
  indexesByLocalHeaderOffset(): Float64Array {
    const count = this.length;
    if (count > SORT_INDEX_LIMIT) {
      throw new RangeError(`cannot order ${count} records (at most ${SORT_INDEX_LIMIT})`);
    }
    const keys = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const offset = this.bytes.readUInt32LE((this.headerStarts[i] as number) + 42);
      keys[i] = offset * SORT_INDEX_LIMIT + i;
    }
    keys.sort();
    for (let i = 0; i < count; i++) keys[i] = (keys[i] as number) % SORT_INDEX_LIMIT;
    return keys;
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

/**
 * A record that reads its fields from the directory bytes when asked: making one costs an object
 * of three fields, and the byte views (an object each) exist only while used.
 */
class DirectoryRecord implements CentralDirectoryRecord {
  constructor(
    private readonly bytes: Buffer,
    private readonly at: number,
    private readonly bytesStart: number,
    readonly index: number,
  ) {}

  get position(): number {
    return this.bytesStart + this.at;
  }
  get headerSize(): number {
    return CENTRAL_DIRECTORY_HEADER_SIZE + this.nameLength + this.extraLength + this.u16(32);
  }
  get flags(): number {
    return this.u16(8);
  }
  get compressionMethod(): number {
    return this.u16(10);
  }
  get crc32(): number {
    return this.u32(16);
  }
  get compressedSize(): number {
    return this.u32(20);
  }
  get uncompressedSize(): number {
    return this.u32(24);
  }
  get diskNumberStart(): number {
    return this.u16(34);
  }
  get externalAttributes(): number {
    return this.u32(38);
  }
  get localHeaderOffset(): number {
    return this.u32(42);
  }
  get rawName(): Buffer {
    const start = this.at + CENTRAL_DIRECTORY_HEADER_SIZE;
    return this.bytes.subarray(start, start + this.nameLength);
  }
  get extra(): Buffer {
    const start = this.at + CENTRAL_DIRECTORY_HEADER_SIZE + this.nameLength;
    return this.bytes.subarray(start, start + this.extraLength);
  }
  get raw(): Buffer {
    return this.bytes.subarray(this.at, this.at + this.headerSize);
  }

  private get nameLength(): number {
    return this.u16(28);
  }
  private get extraLength(): number {
    return this.u16(30);
  }
  private u16(field: number): number {
    return this.bytes.readUInt16LE(this.at + field);
  }
  private u32(field: number): number {
    return this.bytes.readUInt32LE(this.at + field);
  }
}

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
