import { NupkgSigningError } from '../errors.js';
import type { PackageArchive } from './archive.js';
import { readSignatureEntry } from './signature-entry.js';
import { refusePrefixData, unsignedLayout, type UnsignedLayout } from './unsigned-layout.js';
import { detectZip64 } from './zip64.js';

/** A signable package has fewer entries than this, so adding the signature never needs Zip64. */
const ZIP64_ENTRY_LIMIT = 0xfffe;

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
      `'${path}' is already signed. Use --overwrite (the action's overwrite: true) to replace its signature.`,
      { file: path },
    );
  }
}

/**
 * Every refusal before a signature is written, in order: NuGet's (`assertSignable`), then the
 * layouts its remove routine or verifier would break. Returns the unsigned layout to sign.
 */
export async function signableLayout(
  archive: PackageArchive,
  options: { overwrite: boolean },
): Promise<UnsignedLayout> {
  await assertSignable(archive, options);
  const layout = unsignedLayout(archive);
  refusePrefixData(archive, layout);
  return layout;
}
