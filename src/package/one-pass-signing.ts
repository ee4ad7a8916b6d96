import { createHash } from 'node:crypto';
import type { HashAlgorithmName } from '../hash-algorithms.js';
import { openPackageArchive } from './archive.js';
import { writeFileAtomically } from './atomic-write.js';
import { emit, withBufferedOutput, type Part, type Piece } from './piece-stream.js';
import { signableLayout } from './signable.js';
import { bumpEndRecord, dosDateTime, signatureEntryHeaders } from './signature-entry-headers.js';

export interface WriteSignedPackageInOnePassOptions {
  readonly sourcePath: string;
  /** May equal `sourcePath`: the package is then replaced atomically. */
  readonly destinationPath: string;
  /** The algorithm of the package hash handed to `buildSignature` (§3.3). */
  readonly hashAlgorithm: HashAlgorithmName;
  /** Written as the entry's DOS date/time, read in the local time zone as NuGet does. */
  readonly dosTime: Date;
  /** Replace an existing signature instead of refusing with NU3001. */
  readonly overwrite: boolean;
  /**
   * Builds the CMS ContentInfo to store as `.signature.p7s` for the given unsigned-package hash
   * (the timestamp round trip happens here). What it throws is rethrown unchanged.
   */
  readonly buildSignature: (packageHash: Buffer) => Promise<Uint8Array>;
}

/**
 * Signs with a single read of the package: the unsigned local entries are copied into the
 * temporary file and hashed in the same pass, the rest of the unsigned package (central directory,
 * end record, tail: small) only hashed; then the signature is built from that hash and the entry,
 * directory and end record appended. The output is byte for byte what `writeSignedPackage` writes
 * (§1.6). The signature commits to exactly the bytes written, so a package changing meanwhile
 * cannot yield a signed file whose hash does not match; no second pass is needed to detect it.
 */
export async function writeSignedPackageInOnePass(
  options: WriteSignedPackageInOnePassOptions,
): Promise<void> {
  const archive = await openPackageArchive(options.sourcePath);
  let open = true;
  const close = async () => {
    if (open) await archive.file.close();
    open = false;
  };
  // writeFileAtomically rewraps errors it does not know as NUPKG002; a signer's are not I/O errors.
  let signatureFailure: { error: unknown } | undefined;
  try {
    const layout = await signableLayout(archive, { overwrite: options.overwrite });
    // Read once, so the tail that is hashed is the tail that is written.
    const tail = await archive.file.read(layout.tail.position, layout.tail.length);
    const hashOnly = (piece: Piece): Part => ({ piece, output: false, unsigned: true });
    const outputOnly = (piece: Piece): Part => ({ piece, output: true, unsigned: false });

    await writeFileAtomically(options.destinationPath, async (temporary) => {
      await withBufferedOutput(temporary.handle, async (output) => {
        const hash = createHash(options.hashAlgorithm);
        await emit(
          archive.file,
          [
            { piece: layout.localEntries, output: true, unsigned: true },
            ...layout.centralDirectory.map(hashOnly),
            hashOnly(layout.endRecord),
            hashOnly(tail),
          ],
          { output, hash },
        );
        const signatureDer = await options.buildSignature(hash.digest()).catch((error: unknown) => {
          signatureFailure = { error };
          throw error;
        });
        const entry = signatureEntryHeaders(
          signatureDer,
          dosDateTime(options.dosTime),
          layout.localEntries.length,
        );
        const suffix = [
          entry.localHeader,
          signatureDer,
          ...layout.centralDirectory,
          entry.centralDirectoryHeader,
          bumpEndRecord(layout.endRecord, signatureDer.length),
          tail,
        ];
        await emit(archive.file, suffix.map(outputOnly), { output });
      });
      // Closed before the rename, which Windows requires when replacing the package in place.
      await close();
    });
  } catch (error) {
    throw signatureFailure ? signatureFailure.error : error;
  } finally {
    await close();
  }
}
