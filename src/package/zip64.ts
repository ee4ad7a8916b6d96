import { NupkgSigningError } from '../errors.js';
import type { PackageArchive } from './archive.js';
import type { RandomAccessFile } from './random-access-file.js';
import {
  LOCAL_FILE_HEADER_SIZE,
  ZIP64_EXTRA_FIELD_ID,
  hasExtraBlock,
  parseLocalFileHeader,
} from './zip-format.js';

/**
 * NuGet's Zip64 test before signing (nuget-signing-spec.md §1.4; `SignedPackageArchiveUtility`'s
 * IsZip64): signing a Zip64 package is refused with NU3006 and nuget.org rejects the upload, so
 * this reproduces NuGet's rules exactly, including its blind spots:
 *
 * 0. EOCD "number of this disk" ≠ "disk where the CD starts": NuGet gives up and says *not* Zip64.
 * 1. a Zip64 EOCD locator signature sits 20 bytes before the EOCD;
 * 2. any central directory header has an extra block 0x0001 (presence alone, whatever the sizes);
 * 3. any local header of an entry on the EOCD's disk has an extra block 0x0001.
 */
export async function detectZip64(archive: PackageArchive): Promise<boolean> {
  const { eocd, directory, file } = archive;
  if (eocd.diskNumber !== eocd.centralDirectoryDisk) return false;
  if (archive.hasZip64Locator) return true;
  for (let i = 0; i < directory.length; i++) {
    if (directory.hasExtraBlock(i, ZIP64_EXTRA_FIELD_ID)) return true;
  }

  // Offset order and a read window: packages with many small entries then cost a few reads.
  const window = new ReadWindow(archive.file);
  for (const i of directory.indexesByLocalHeaderOffset()) {
    if (directory.diskNumberStart(i) !== eocd.diskNumber) continue;
    const at = directory.localHeaderOffset(i);
    const header = parseLocalFileHeader(await window.read(at, LOCAL_FILE_HEADER_SIZE));
    // NuGet fails reading such a package too; a coded error beats a silent "not Zip64".
    if (!header) {
      throw new NupkgSigningError(
        'NUPKG001',
        `'${file.path}' is not a readable zip archive (no local file header at offset ${at}, where the central directory points).`,
        { file: file.path },
      );
    }
    if (header.extraLength === 0) continue;
    const extra = await window.read(
      at + LOCAL_FILE_HEADER_SIZE + header.nameLength,
      header.extraLength,
    );
    if (hasExtraBlock(extra, ZIP64_EXTRA_FIELD_ID)) return true;
  }
  return false;
}

const WINDOW_SIZE = 64 * 1024;

/** Serves small reads from one buffered window of the file; returns fewer bytes at the end. */
class ReadWindow {
  private start = 0;
  private bytes: Buffer = Buffer.alloc(0);

  constructor(private readonly file: RandomAccessFile) {}

  async read(position: number, length: number): Promise<Buffer> {
    const end = Math.min(position + length, this.file.size);
    if (position >= end) return Buffer.alloc(0);
    if (position < this.start || end > this.start + this.bytes.length) {
      this.start = position;
      this.bytes = await this.file.read(
        position,
        Math.min(Math.max(WINDOW_SIZE, length), this.file.size - position),
      );
    }
    return this.bytes.subarray(position - this.start, end - this.start);
  }
}
