import { createHash } from 'node:crypto';
import { NupkgSigningError } from '../errors.js';
import type { HashAlgorithmName } from '../hash-algorithms.js';
import { openPackageArchive, signatureRecords, type PackageArchive } from './archive.js';
import { writeFileAtomically } from './atomic-write.js';
import { emit, withBufferedOutput, type Part, type Piece } from './piece-stream.js';
import { signableLayout } from './signable.js';
import { bumpEndRecord, dosDateTime, signatureEntryHeaders } from './signature-entry-headers.js';
import { unsignedLayout, unsignedParts } from './unsigned-layout.js';

/**
 * Adds, replaces and removes the `.signature.p7s` entry the way NuGet's signer does
 * (nuget-signing-spec.md §1.3, §1.6, §10.3 step 5), so that the package hash NuGet verifies (§3.2)
 * equals the hash of the unsigned file (§3.3) that was signed.
 */

export { assertSignable } from './signable.js';
export { dosDateTime } from './signature-entry-headers.js';
export {
  writeSignedPackageInOnePass,
  type WriteSignedPackageInOnePassOptions,
} from './one-pass-signing.js';

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
    const parts: Part[] =
      signatureRecords(archive).length === 0
        ? [{ piece: { position: 0, length: archive.file.size }, output: false, unsigned: true }]
        : unsignedParts(unsignedLayout(archive));
    await emit(archive.file, parts, { hash });
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
 * size and offset bumped. Existing entries keep their offsets. For a signature built from the
 * package's hash, `writeSignedPackageInOnePass` saves a full read.
 */
export async function writeSignedPackage(options: WriteSignedPackageOptions): Promise<void> {
  const { signatureDer, dosTime } = options;
  await withArchive(
    options.sourcePath,
    options.destinationPath,
    async (archive) => {
      const layout = await signableLayout(archive, { overwrite: options.overwrite });
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
    await writeFileAtomically(destinationPath, async (temporary) => {
      const hash = expected ? createHash(expected.algorithm) : undefined;
      await withBufferedOutput(temporary.handle, (output) =>
        emit(archive.file, parts, hash ? { output, hash } : { output }),
      );
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
