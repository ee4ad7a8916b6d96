import { openPackageArchive } from '../../src/package/archive.js';
import { readSignatureEntry } from '../../src/package/signature-entry.js';
import {
  parsePrimarySignature,
  type PrimarySignature,
} from '../../src/signature/primary-signature.js';

/** The parsed `.signature.p7s` of a signed package on disk. */
export async function readPackageSignature(path: string): Promise<PrimarySignature> {
  const archive = await openPackageArchive(path);
  try {
    return parsePrimarySignature((await readSignatureEntry(archive)).bytes);
  } finally {
    await archive.file.close();
  }
}
