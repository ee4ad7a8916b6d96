import { NupkgSigningError } from '../errors.js';
import { CentralDirectory } from './central-directory.js';
import { LIMITS } from '../limits.js';
import { RandomAccessFile } from './random-access-file.js';
import {
  END_OF_CENTRAL_DIRECTORY_SIZE,
  MAX_EOCD_SEARCH,
  ZIP64_LOCATOR_SIGNATURE,
  ZIP64_LOCATOR_SIZE,
  findEndOfCentralDirectory,
  type CentralDirectoryRecord,
  type EndOfCentralDirectory,
} from './zip-format.js';

/**
 * A package opened for signature work: its end record and central directory as NuGet's raw
 * reader walks them (nuget-signing-spec.md §3.1), plus the facts the signed/unsigned decision
 * needs (§1.5).
 */
export interface PackageArchive {
  readonly file: RandomAccessFile;
  readonly eocd: EndOfCentralDirectory;
  /**
   * Central directory records in CD order, walked from the EOCD's 32-bit offset (or the Zip64
   * end record's), held compactly: fields are read on demand.
   */
  readonly directory: CentralDirectory;
  /** Entries the end record (or the Zip64 end record) declares; the directory holds at least as many. */
  readonly declaredEntries: number;
  /** Zip64 end-of-central-directory locator present just before the EOCD (§1.4 rule 1). */
  readonly hasZip64Locator: boolean;
  /** Some entry's decoded name is exactly `.signature.p7s`: what makes NuGet call it signed. */
  readonly signedByName: boolean;
}

/** Opens `path` and reads its central directory. Throws NUPKG001 when it is not a readable zip. */
export async function openPackageArchive(path: string): Promise<PackageArchive> {
  const file = await RandomAccessFile.open(path);
  try {
    return await readArchive(file);
  } catch (error) {
    await file.close();
    throw error;
  }
}

async function readArchive(file: RandomAccessFile): Promise<PackageArchive> {
  const notZip = (why: string) =>
    new NupkgSigningError(
      'NUPKG001',
      `'${file.path}' is not a readable zip archive (${why}). Rebuild the package with 'dotnet pack'.`,
      { file: file.path, summary: file.size === 0 ? 'empty file' : 'not a zip archive' },
    );
  if (file.size === 0) throw notZip('the file is empty');
  if (file.size < END_OF_CENTRAL_DIRECTORY_SIZE) throw notZip(`only ${file.size} bytes`);

  const tailLength = Math.min(file.size, MAX_EOCD_SEARCH + ZIP64_LOCATOR_SIZE);
  const tailStart = file.size - tailLength;
  const tail = await file.read(tailStart, tailLength);
  const eocd = findEndOfCentralDirectory(tail, tailStart);
  if (!eocd) throw notZip('no end of central directory record');

  const locatorAt = eocd.position - ZIP64_LOCATOR_SIZE - tailStart;
  const hasZip64Locator =
    locatorAt >= 0 && tail.readUInt32LE(locatorAt) === ZIP64_LOCATOR_SIGNATURE;
  const location = hasZip64Locator
    ? await readZip64Location(file, tail, locatorAt, notZip)
    : { offset: eocd.centralDirectoryOffset, entries: eocd.totalEntries, end: eocd.position };

  if (location.offset > location.end) throw notZip('central directory starts after its end record');
  if (location.end - location.offset > LIMITS.maxCentralDirectoryBytes) {
    throw new NupkgSigningError(
      'NUPKG004',
      `'${file.path}' has a central directory of ${location.end - location.offset} bytes, over the limit of ${LIMITS.maxCentralDirectoryBytes}.`,
      { file: file.path },
    );
  }
  if (location.entries > LIMITS.maxEntries) {
    throw new NupkgSigningError(
      'NUPKG004',
      `'${file.path}' declares ${location.entries} entries, over the limit of ${LIMITS.maxEntries}.`,
      { file: file.path },
    );
  }
  const bytes = await file.read(location.offset, location.end - location.offset);
  const directory = CentralDirectory.walk(bytes, location.offset);
  // NuGet walks on past the declared count; so do we, within the same limit.
  if (directory.length > LIMITS.maxEntries) {
    throw new NupkgSigningError(
      'NUPKG004',
      `'${file.path}' holds ${directory.length} central directory entries, over the limit of ${LIMITS.maxEntries}.`,
      { file: file.path },
    );
  }
  // An archive with no entries is readable (.NET opens it); it is simply not a package (NU5037).
  // .NET's ZipArchive refuses an archive whose directory holds fewer entries than declared.
  if (directory.length < location.entries) {
    throw notZip(
      `the central directory declares ${location.entries} entries but holds ${directory.length}`,
    );
  }
  return {
    file,
    eocd,
    directory,
    declaredEntries: location.entries,
    hasZip64Locator,
    signedByName: directory.hasSignatureName(),
  };
}

async function readZip64Location(
  file: RandomAccessFile,
  tail: Buffer,
  locatorAt: number,
  notZip: (why: string) => NupkgSigningError,
): Promise<{ offset: number; entries: number; end: number }> {
  const recordOffset = Number(tail.readBigUInt64LE(locatorAt + 8));
  if (recordOffset + 56 > file.size)
    throw notZip('invalid offset to the Zip64 end of central directory record');
  const record = await file.read(recordOffset, 56);
  if (record.readUInt32LE(0) !== 0x06064b50)
    throw notZip('invalid Zip64 end of central directory record');
  const entries = Number(record.readBigUInt64LE(32));
  const offset = Number(record.readBigUInt64LE(48));
  if (offset > recordOffset) throw notZip('Zip64 central directory starts after its end record');
  return { offset, entries, end: recordOffset };
}

/** The records NuGet's raw reader recognises as the signature entry (§1.1). */
export function signatureRecords(archive: PackageArchive): CentralDirectoryRecord[] {
  return archive.directory.signatureIndexes().map((i) => archive.directory.record(i));
}
