import { Readable, pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { NupkgSigningError } from '../errors.js';
import type { PackageArchive } from './archive.js';
import type { CentralDirectory } from './central-directory.js';
import type { RandomAccessFile } from './random-access-file.js';
import {
  END_OF_CENTRAL_DIRECTORY_SIZE,
  LOCAL_FILE_HEADER_SIGNATURE,
  LOCAL_FILE_HEADER_SIZE,
  ZIP64_EXTRA_FIELD_ID,
  type CentralDirectoryRecord,
} from './zip-format.js';

/** The root-level nuspec, found: its decoded name and a stream of its (inflated) bytes. */
export interface NuspecEntry {
  readonly name: string;
  readonly stream: Readable;
}

/** Raw bytes are read in pieces of this size (as a file stream would). */
const READ_CHUNK = 64 * 1024;

/**
 * Finds the first root-level `.nuspec` in the central directory already read, and opens its bytes.
 * This is what yauzl's walk did before (yauzl's own name decoding and checks, applied to each
 * entry up to the nuspec, so every refusal stays), without yauzl reading each header again
 * through two file streams and making an object per entry: a million entries are then a
 * million small checks, not minutes. Returns undefined when there is no nuspec at the root
 * (NuGet's NU5037). Throws NUPKG001 where yauzl refused the archive or the entry.
 */
export async function openNuspecEntry(archive: PackageArchive): Promise<NuspecEntry | undefined> {
  const { file, eocd, directory } = archive;
  const notZip = (why: string) =>
    new NupkgSigningError('NUPKG001', `'${file.path}' is not a readable zip archive (${why}).`, {
      file: file.path,
    });
  const unreadable = (why: string) =>
    new NupkgSigningError('NUPKG001', `'${file.path}' has an unreadable entry (${why}).`, {
      file: file.path,
    });

  // What yauzl sees: the file up to the end record's comment (.NET ignores bytes after it).
  const declaredEnd = eocd.position + END_OF_CENTRAL_DIRECTORY_SIZE + eocd.commentLength;
  if (declaredEnd > file.size) {
    throw notZip(`the end record's comment runs ${declaredEnd - file.size} bytes past the file`);
  }
  await refuseMultiDisk(archive, notZip);

  for (let i = 0; i < archive.declaredEntries; i++) {
    if (plainOtherEntry(directory, i)) continue;
    const entry = readEntry(directory.record(i), unreadable);
    if (entry.name.includes('/') || !entry.name.toLowerCase().endsWith('.nuspec')) continue;
    return { name: entry.name, stream: await openEntryData(file, declaredEnd, entry, unreadable) };
  }
  return undefined;
}

/**
 * True for an entry yauzl accepts without a doubt and that is not a root-level nuspec, decided on
 * its bytes: no extra field, no strong encryption, consistent stored sizes, and a name of printable
 * ASCII (which UTF-8 and CP437 decode alike) that is relative, has no `..`, and either holds a
 * separator or does not end in `.nuspec`. Real entries are like this; everything else gets
 * yauzl's full reading. Saves decoding a million names that cannot matter.
 */
function plainOtherEntry(directory: CentralDirectory, index: number): boolean {
  if (directory.extraLength(index) !== 0) return false;
  const flags = directory.flags(index);
  if (flags & 0x40) return false;
  if (
    directory.compressionMethod(index) === 0 &&
    directory.compressedSize(index) !== directory.uncompressedSize(index) + (flags & 1 ? 12 : 0)
  ) {
    return false;
  }
  return directory.visitName(index, plainOtherName);
}

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const COLON = 0x3a;
const NUSPEC = Buffer.from('.nuspec', 'ascii');

function plainOtherName(bytes: Buffer, start: number, end: number): boolean {
  if (start === end || bytes[start] === SLASH || bytes[start] === BACKSLASH) return false;
  if (end - start > 1 && bytes[start + 1] === COLON) return false;
  let separator = false;
  for (let i = start; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte < 0x20 || byte > 0x7e) return false;
    if (byte === DOT && bytes[i + 1] === DOT && i + 1 < end) return false;
    if (byte === SLASH || byte === BACKSLASH) separator = true;
  }
  if (separator || end - start < NUSPEC.length) return true;
  for (let k = 0; k < NUSPEC.length; k++) {
    const byte = bytes[end - NUSPEC.length + k] as number;
    // ASCII lower case: only A–Z change.
    const lower = byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
    if (lower !== NUSPEC[k]) return true;
  }
  return false;
}

/** yauzl reads no multi-disk archive: the disk number, in the Zip64 end record when there is one. */
async function refuseMultiDisk(
  archive: PackageArchive,
  notZip: (why: string) => NupkgSigningError,
): Promise<void> {
  const { file, eocd } = archive;
  let disk = eocd.diskNumber;
  if (archive.hasZip64Locator) {
    const locator = await file.read(eocd.position - 20, 20);
    const recordOffset = Number(locator.readBigUInt64LE(8));
    disk = (await file.read(recordOffset, 56)).readUInt32LE(16);
  }
  if (disk !== 0) throw notZip(`multi-disk zip files are not supported: found disk number ${disk}`);
}

/** A central directory record with yauzl's reading of it: decoded name, Zip64 sizes. */
interface Entry {
  readonly name: string;
  readonly flags: number;
  readonly compressionMethod: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

/** yauzl's per-entry reading and refusals, in its order. */
function readEntry(
  record: CentralDirectoryRecord,
  unreadable: (why: string) => NupkgSigningError,
): Entry {
  const { flags, compressionMethod } = record;
  if (flags & 0x40) throw unreadable('strong encryption is not supported');
  let extraFields: yauzl.ExtraField[];
  try {
    extraFields = yauzl.parseExtraFields(record.extra);
  } catch (error) {
    throw unreadable((error as Error).message);
  }
  const name = yauzl.getFileNameLowLevel(flags, record.rawName, extraFields, false);
  const invalid = yauzl.validateFileName(name);
  if (invalid !== null) throw unreadable(invalid);

  let { compressedSize, uncompressedSize, localHeaderOffset } = record;
  const zip64 = extraFields.find((field) => field.id === ZIP64_EXTRA_FIELD_ID);
  if (zip64) {
    let at = 0;
    const next = (what: string): number => {
      if (at + 8 > zip64.data.length) {
        throw unreadable(`zip64 extended information extra field does not include ${what}`);
      }
      const value = Number(zip64.data.readBigUInt64LE(at));
      at += 8;
      return value;
    };
    if (uncompressedSize === 0xffffffff) uncompressedSize = next('uncompressed size');
    if (compressedSize === 0xffffffff) compressedSize = next('compressed size');
    if (localHeaderOffset === 0xffffffff) localHeaderOffset = next('relative header offset');
  }
  const encryptionHeader = flags & 1 ? 12 : 0;
  if (compressionMethod === 0 && compressedSize !== uncompressedSize + encryptionHeader) {
    throw unreadable(
      `compressed/uncompressed size mismatch for stored file: ${compressedSize} != ${uncompressedSize}`,
    );
  }
  return { name, flags, compressionMethod, compressedSize, uncompressedSize, localHeaderOffset };
}

/**
 * The entry's data as yauzl opened it: no encryption, stored or deflated, a local header where
 * the directory points, data inside the archive, and (deflated) exactly the declared size.
 */
async function openEntryData(
  file: RandomAccessFile,
  archiveEnd: number,
  entry: Entry,
  unreadable: (why: string) => NupkgSigningError,
): Promise<Readable> {
  if (entry.flags & 1) throw unreadable('the entry is encrypted');
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw unreadable(`unsupported compression method: ${entry.compressionMethod}`);
  }
  const at = entry.localHeaderOffset;
  if (at + LOCAL_FILE_HEADER_SIZE > file.size) throw unreadable('unexpected EOF');
  const header = await file.read(at, LOCAL_FILE_HEADER_SIZE);
  const signature = header.readUInt32LE(0);
  if (signature !== LOCAL_FILE_HEADER_SIGNATURE) {
    throw unreadable(`invalid local file header signature: 0x${signature.toString(16)}`);
  }
  const dataStart = at + LOCAL_FILE_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (dataStart + entry.compressedSize > archiveEnd) {
    throw unreadable(
      `file data overflows file bounds: ${dataStart} + ${entry.compressedSize} > ${archiveEnd}`,
    );
  }
  const raw = Readable.from(fileRange(file, dataStart, entry.compressedSize));
  if (entry.compressionMethod === 0) return raw;
  const inflater = createInflateRaw();
  pipeline(raw, inflater, () => {
    // Errors reach the reader through `inflater`, which pipeline destroys with them.
  });
  return Readable.from(exactly(inflater, entry.uncompressedSize, unreadable));
}

async function* fileRange(
  file: RandomAccessFile,
  position: number,
  length: number,
): AsyncGenerator<Buffer> {
  for (let done = 0; done < length;) {
    const size = Math.min(READ_CHUNK, length - done);
    yield await file.read(position + done, size);
    done += size;
  }
}

/** Passes the inflated bytes on, refusing more or fewer than declared (yauzl's size check). */
async function* exactly(
  source: Readable,
  declared: number,
  unreadable: (why: string) => NupkgSigningError,
): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > declared) {
      throw unreadable(`too many bytes in the stream: expected ${declared}, got at least ${total}`);
    }
    yield chunk;
  }
  if (total < declared) {
    throw unreadable(`not enough bytes in the stream: expected ${declared}, got only ${total}`);
  }
}
