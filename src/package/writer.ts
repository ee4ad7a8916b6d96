import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { NupkgSigningError, type ErrorCode } from '../errors.js';
import type { HashAlgorithmName } from '../signature/hash-algorithms.js';
import { openPackageArchive, signatureRecords, type PackageArchive } from './archive.js';
import { writeFileAtomically } from './atomic-write.js';
import { crc32 } from './crc32.js';
import type { RandomAccessFile } from './random-access-file.js';
import { readSignatureEntry } from './signature-entry.js';
import {
  END_OF_CENTRAL_DIRECTORY_SIGNATURE,
  SIGNATURE_FILE_NAME,
  type CentralDirectoryRecord,
} from './zip-format.js';
import { detectZip64 } from './zip64.js';

/**
 * Adds, replaces and removes the `.signature.p7s` entry the way NuGet's signer does
 * (nuget-signing-spec.md §1.3, §1.6, §10.3 step 5), so that the package hash NuGet verifies (§3.2)
 * equals the hash of the unsigned file (§3.3) that was signed.
 */

/** Refusals for layouts NuGet would turn into a broken or unverifiable package. */
const LAYOUT_REFUSAL: ErrorCode = 'NU3001';
const ZIP64_ENTRY_LIMIT = 0xfffe;
const COPY_CHUNK = 1024 * 1024;

export interface WriteSignedPackageOptions {
  readonly sourcePath: string;
  /** May equal `sourcePath`: the package is then replaced atomically. */
  readonly destinationPath: string;
  /** The CMS ContentInfo to store as `.signature.p7s`. */
  readonly signatureDer: Uint8Array;
  /** Written as the entry's DOS date/time, read in the local time zone as NuGet does. */
  readonly dosTime: Date;
  /** Replace an existing signature instead of refusing with NU3001. */
  readonly overwrite: boolean;
  /**
   * The hash the signature content commits to. When given, the unsigned bytes are re-hashed while
   * they are copied and a mismatch (the package changed since it was hashed) aborts the write.
   */
  readonly expectedPackageHash?: { algorithm: HashAlgorithmName; digest: Uint8Array };
}

interface FileRange {
  readonly position: number;
  readonly length: number;
}

/** A range of the source file, or bytes produced here. */
type Piece = Uint8Array | FileRange;

/** Where each piece goes: the output file, the unsigned-package hash, or both. */
interface Part {
  readonly piece: Piece;
  readonly output: boolean;
  readonly unsigned: boolean;
}

/**
 * The unsigned package as pieces of the source: the file itself, or what NuGet's remove routine
 * makes of a signed one (the signature's local entry and CD header cut out, EOCD adjusted).
 */
interface UnsignedLayout {
  /** Local entries, `[0, P)`; P is where a new signature entry goes. */
  readonly localEntries: FileRange;
  readonly centralDirectory: readonly Uint8Array[];
  /** The EOCD's first 20 bytes (through the CD offset), as in the unsigned package. */
  readonly endRecord: Buffer;
  /** Comment length, comment and anything after them, copied as they are. */
  readonly tail: FileRange;
}

/**
 * NuGet's refusals before signing, in its order (§10.2 items 2–3): Zip64 (NU3006), too many entries
 * (NU3039), an invalid signature entry (NU3005), already signed without `overwrite` (NU3001).
 * Run it before building the CMS so no timestamp is requested for a package that will be refused.
 */
export async function assertSignable(
  archive: PackageArchive,
  options: { overwrite: boolean },
): Promise<void> {
  const path = archive.file.path;
  if (await detectZip64(archive)) {
    throw new NupkgSigningError(
      'NU3006',
      `'${path}' is a Zip64 archive; signed Zip64 packages are not supported. Repack it without Zip64 (fewer than 65,535 entries, every entry and the package under 4 GiB, no Zip64 extra fields).`,
      { file: path },
    );
  }
  if (archive.eocd.totalEntries >= ZIP64_ENTRY_LIMIT) {
    throw new NupkgSigningError(
      'NU3039',
      `The package cannot be signed as it would require the Zip64 format: '${path}' has ${archive.eocd.totalEntries} entries, the most a signable package can have is ${ZIP64_ENTRY_LIMIT - 1}.`,
      { file: path },
    );
  }
  if (!archive.signedByName) return;
  // NuGet reads the existing signature before deciding, so a malformed entry fails first (NU3005).
  await readSignatureEntry(archive);
  if (!options.overwrite) {
    throw new NupkgSigningError(
      'NU3001',
      `'${path}' is already signed. Use the overwrite option to replace its signature.`,
      { file: path },
    );
  }
}

/**
 * The hash to put in the signature content (§3.3): the whole unsigned file; for a signed package,
 * the file NuGet's remove routine would produce. One streaming pass with a reused buffer.
 */
export async function computeUnsignedPackageHash(
  path: string,
  algorithm: HashAlgorithmName,
): Promise<Buffer> {
  const archive = await openPackageArchive(path);
  try {
    const hash = createHash(algorithm);
    if (signatureRecords(archive).length === 0) {
      await emit(archive.file, [{ piece: wholeFile(archive), output: false, unsigned: true }], {
        hash,
      });
    } else {
      const layout = unsignedLayout(archive);
      await emit(archive.file, unsignedParts(layout), { hash });
    }
    return hash.digest();
  } finally {
    await archive.file.close();
  }
}

/**
 * Writes `sourcePath` without its signature to `destinationPath`, as NuGet's remove routine does
 * (§1.3): other entries and CD headers are copied unchanged. That is only correct when the
 * signature's local entry is the last one, so any other layout is refused rather than written
 * broken.
 */
export async function removeSignature(options: {
  sourcePath: string;
  destinationPath: string;
}): Promise<void> {
  await withArchive(options.sourcePath, options.destinationPath, (archive) => {
    if (signatureRecords(archive).length === 0) {
      throw new NupkgSigningError(
        'NU3005',
        `'${archive.file.path}' does not contain a package signature file to remove.`,
        { file: archive.file.path },
      );
    }
    return unsignedParts(unsignedLayout(archive));
  });
}

/**
 * Writes the signed package (§1.6): the unsigned local entries, the 44-byte local header and the
 * signature, the old CD headers unchanged, the new 60-byte CD header, and the EOCD with counts,
 * size and offset bumped. Existing entries keep their offsets.
 */
export async function writeSignedPackage(options: WriteSignedPackageOptions): Promise<void> {
  const { signatureDer, dosTime } = options;
  await withArchive(
    options.sourcePath,
    options.destinationPath,
    async (archive) => {
      await assertSignable(archive, { overwrite: options.overwrite });
      const layout = unsignedLayout(archive);
      refusePrefixData(archive, layout);
      const entry = signatureEntryHeaders(
        signatureDer,
        dosDateTime(dosTime),
        layout.localEntries.length,
      );
      const both = (piece: Piece): Part => ({ piece, output: true, unsigned: true });
      const outputOnly = (piece: Piece): Part => ({ piece, output: true, unsigned: false });
      return [
        both(layout.localEntries),
        outputOnly(entry.localHeader),
        outputOnly(signatureDer),
        ...layout.centralDirectory.map(both),
        outputOnly(entry.centralDirectoryHeader),
        { piece: layout.endRecord, output: false, unsigned: true },
        outputOnly(bumpEndRecord(layout.endRecord, signatureDer.length)),
        both(layout.tail),
      ];
    },
    options.expectedPackageHash,
  );
}

/**
 * DOS date/time as ZIP stores it (§1.6), from the local-time fields of `date`. Dates outside the
 * representable 1980–2107 are clamped rather than wrapped into a misleading date.
 */
export function dosDateTime(date: Date): number {
  const year = date.getFullYear();
  if (year < 1980) return (1 << 21) | (1 << 16); // 1980-01-01 00:00:00
  if (year > 2107) return dosDateTime(new Date(2107, 11, 31, 23, 59, 58));
  return (
    (((year - 1980) << 25) |
      ((date.getMonth() + 1) << 21) |
      (date.getDate() << 16) |
      (date.getHours() << 11) |
      (date.getMinutes() << 5) |
      (date.getSeconds() >> 1)) >>>
    0
  );
}

/** The local header (44 bytes) and CD header (60 bytes) of the signature entry, per §1.6. */
function signatureEntryHeaders(
  signature: Uint8Array,
  dosTime: number,
  localHeaderOffset: number,
): { localHeader: Buffer; centralDirectoryHeader: Buffer } {
  const crc = crc32(signature);
  const size = signature.length;
  const localHeader = Buffer.alloc(30 + SIGNATURE_FILE_NAME.length);
  localHeader.writeUInt32LE(0x04034b50, 0);
  localHeader.writeUInt16LE(20, 4); // version needed 2.0; flags and method stay 0
  localHeader.writeUInt32LE(dosTime, 10);
  localHeader.writeUInt32LE(crc, 14);
  localHeader.writeUInt32LE(size, 18);
  localHeader.writeUInt32LE(size, 22);
  localHeader.writeUInt16LE(SIGNATURE_FILE_NAME.length, 26);
  SIGNATURE_FILE_NAME.copy(localHeader, 30);

  const centralDirectoryHeader = Buffer.alloc(46 + SIGNATURE_FILE_NAME.length);
  centralDirectoryHeader.writeUInt32LE(0x02014b50, 0);
  centralDirectoryHeader.writeUInt16LE(20, 4); // made by MS-DOS, 2.0
  centralDirectoryHeader.writeUInt16LE(20, 6);
  centralDirectoryHeader.writeUInt32LE(dosTime, 12);
  centralDirectoryHeader.writeUInt32LE(crc, 16);
  centralDirectoryHeader.writeUInt32LE(size, 20);
  centralDirectoryHeader.writeUInt32LE(size, 24);
  centralDirectoryHeader.writeUInt16LE(SIGNATURE_FILE_NAME.length, 28);
  centralDirectoryHeader.writeUInt32LE(localHeaderOffset >>> 0, 42);
  SIGNATURE_FILE_NAME.copy(centralDirectoryHeader, 46);
  return { localHeader, centralDirectoryHeader };
}

/** The EOCD after adding an entry of `signatureLength` bytes; 16/32-bit wrapping as NuGet's. */
function bumpEndRecord(endRecord: Buffer, signatureLength: number): Buffer {
  const bumped = Buffer.from(endRecord);
  bumped.writeUInt16LE((endRecord.readUInt16LE(8) + 1) & 0xffff, 8);
  bumped.writeUInt16LE((endRecord.readUInt16LE(10) + 1) & 0xffff, 10);
  bumped.writeUInt32LE((endRecord.readUInt32LE(12) + 46 + SIGNATURE_FILE_NAME.length) >>> 0, 12);
  const entryLength = 30 + SIGNATURE_FILE_NAME.length + signatureLength;
  bumped.writeUInt32LE((endRecord.readUInt32LE(16) + entryLength) >>> 0, 16);
  return bumped;
}

/** The EOCD's first 20 bytes with the given counts, size and offset. */
function endRecordBytes(
  archive: PackageArchive,
  change: { entries: number; size: number; offset: number },
): Buffer {
  const { eocd } = archive;
  const bytes = Buffer.alloc(20);
  bytes.writeUInt32LE(END_OF_CENTRAL_DIRECTORY_SIGNATURE, 0);
  bytes.writeUInt16LE(eocd.diskNumber, 4);
  bytes.writeUInt16LE(eocd.centralDirectoryDisk, 6);
  bytes.writeUInt16LE((eocd.entriesOnDisk + change.entries) & 0xffff, 8);
  bytes.writeUInt16LE((eocd.totalEntries + change.entries) & 0xffff, 10);
  bytes.writeUInt32LE((eocd.centralDirectorySize + change.size) >>> 0, 12);
  bytes.writeUInt32LE((eocd.centralDirectoryOffset + change.offset) >>> 0, 16);
  return bytes;
}

/**
 * The unsigned package inside `archive` (§1.3, §3.3). Refuses layouts where NuGet's copy-based
 * routines would silently write a broken archive: a signature entry that is not the last local
 * entry, local headers inside or after the central directory, bytes between the central directory
 * and its end record.
 */
function unsignedLayout(archive: PackageArchive): UnsignedLayout {
  const { records, eocd, file } = archive;
  const first = records[0] as CentralDirectoryRecord;
  const last = records[records.length - 1] as CentralDirectoryRecord;
  const startOfCentralDirectory = first.position;
  const endOfCentralDirectory = last.position + last.headerSize;
  if (endOfCentralDirectory !== eocd.position) {
    throw refuse(
      archive,
      `${eocd.position - endOfCentralDirectory} bytes lie between the central directory and its end record`,
    );
  }
  const stray = records.find((r) => r.localHeaderOffset >= startOfCentralDirectory);
  if (stray) {
    throw refuse(
      archive,
      `a central directory entry points at offset ${stray.localHeaderOffset}, inside or after the central directory`,
    );
  }
  const tail = { position: eocd.position + 20, length: file.size - eocd.position - 20 };

  const signatures = signatureRecords(archive);
  if (signatures.length > 1) {
    throw new NupkgSigningError(
      'NU3005',
      `'${file.path}' contains ${signatures.length} package signature files; there must be at most one.`,
      { file: file.path },
    );
  }
  const signature = signatures[0];
  if (!signature) {
    return {
      localEntries: { position: 0, length: startOfCentralDirectory },
      centralDirectory: records.map((r) => r.raw),
      endRecord: endRecordBytes(archive, { entries: 0, size: 0, offset: 0 }),
      tail,
    };
  }
  const start = signature.localHeaderOffset;
  if (records.some((r) => r !== signature && r.localHeaderOffset >= start)) {
    throw refuse(
      archive,
      'the signature entry is not the last local entry, and removing it would leave the other entries at wrong offsets',
    );
  }
  return {
    localEntries: { position: 0, length: start },
    centralDirectory: records.filter((r) => r !== signature).map((r) => r.raw),
    endRecord: endRecordBytes(archive, {
      entries: -1,
      size: -signature.headerSize,
      offset: -(startOfCentralDirectory - start),
    }),
    tail,
  };
}

/**
 * NuGet's verifier hashes bytes before the first local header verbatim but re-bases offsets to 0
 * (§3.4), so a package with prefix data fails integrity (NU3008) once signed. Refuse instead.
 */
function refusePrefixData(archive: PackageArchive, layout: UnsignedLayout): void {
  const signature = signatureRecords(archive)[0];
  const first = archive.records
    .filter((r) => r !== signature)
    .reduce((min, r) => Math.min(min, r.localHeaderOffset), layout.localEntries.length);
  if (first !== 0) {
    throw refuse(
      archive,
      `its first local file header is at offset ${first}, not 0; NuGet would report the signed package as tampered with (NU3008, integrity check failed). Remove the ${first} bytes of prefix data`,
    );
  }
}

function refuse(archive: PackageArchive, why: string): NupkgSigningError {
  const path = archive.file.path;
  return new NupkgSigningError(LAYOUT_REFUSAL, `Cannot sign or unsign '${path}': ${why}.`, {
    file: path,
  });
}

function unsignedParts(layout: UnsignedLayout): Part[] {
  return [layout.localEntries, ...layout.centralDirectory, layout.endRecord, layout.tail].map(
    (piece) => ({ piece, output: true, unsigned: true }),
  );
}

function wholeFile(archive: PackageArchive): FileRange {
  return { position: 0, length: archive.file.size };
}

/**
 * Opens `sourcePath`, lets `plan` decide the parts (and refuse), then writes them atomically to
 * `destinationPath`. The source is closed before the rename, which Windows requires when
 * replacing the package in place.
 */
async function withArchive(
  sourcePath: string,
  destinationPath: string,
  plan: (archive: PackageArchive) => Part[] | Promise<Part[]>,
  expected?: { algorithm: HashAlgorithmName; digest: Uint8Array },
): Promise<void> {
  const archive = await openPackageArchive(sourcePath);
  let open = true;
  const close = async () => {
    if (open) await archive.file.close();
    open = false;
  };
  try {
    const parts = await plan(archive);
    await writeFileAtomically(destinationPath, async (temporaryPath) => {
      const hash = expected ? createHash(expected.algorithm) : undefined;
      await writeParts(archive.file, parts, temporaryPath, hash);
      await close();
      if (expected && hash && !hash.digest().equals(expected.digest)) {
        throw new NupkgSigningError(
          'NUPKG002',
          `'${sourcePath}' changed after its hash was computed for the signature; sign it again.`,
          { file: sourcePath },
        );
      }
    });
  } finally {
    await close();
  }
}

async function writeParts(
  file: RandomAccessFile,
  parts: readonly Part[],
  temporaryPath: string,
  hash: Hash | undefined,
): Promise<void> {
  const handle = await open(temporaryPath, 'wx');
  try {
    const output = new BufferedOutput(handle);
    await emit(file, parts, { output, hash });
    await output.flush();
  } finally {
    await handle.close();
  }
}

/** Streams the parts into the output and/or the hash, reading file ranges with one reused buffer. */
async function emit(
  file: RandomAccessFile,
  parts: readonly Part[],
  sinks: { output?: BufferedOutput; hash?: Hash },
): Promise<void> {
  let buffer: Buffer | undefined;
  const deliver = async (bytes: Uint8Array, part: Part) => {
    // Both sinks are done with `bytes` when this returns (Hash.update copies), so it can be reused.
    if (part.unsigned) sinks.hash?.update(bytes);
    if (part.output) await sinks.output?.write(bytes);
  };
  for (const part of parts) {
    const { piece } = part;
    if (piece instanceof Uint8Array) {
      await deliver(piece, part);
      continue;
    }
    buffer ??= Buffer.allocUnsafe(COPY_CHUNK);
    for (let done = 0; done < piece.length;) {
      const size = Math.min(COPY_CHUNK, piece.length - done);
      await file.readInto(buffer, 0, size, piece.position + done);
      await deliver(buffer.subarray(0, size), part);
      done += size;
    }
  }
}

/** Gathers small writes (one per CD header: up to 65,535) into large ones. */
class BufferedOutput {
  private readonly pending = Buffer.allocUnsafe(COPY_CHUNK);
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
