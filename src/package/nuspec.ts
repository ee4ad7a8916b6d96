import type { Readable } from 'node:stream';
import { NupkgSigningError } from '../errors.js';
import type { PackageArchive } from './archive.js';
import { LIMITS } from '../limits.js';
import { openNuspecEntry } from './nuspec-entry.js';
import { NuspecContentError, readNuspecIdentity, type PackageIdentity } from './nuspec-identity.js';
import { decodeXml } from '../xml/decode.js';
import { XmlLimitError, XmlSyntaxError } from '../xml/errors.js';

export type { PackageIdentity } from './nuspec-identity.js';

/**
 * Reads the root-level `.nuspec` (found in the central directory already read, inflated with a
 * size limit, decoded and parsed as XML within the XML limits) and returns its id and version.
 * Returns undefined when the archive has no nuspec at its root, as NuGet's "missing the required
 * nuspec file" (NU5037).
 */
export async function readPackageIdentity(
  archive: PackageArchive,
): Promise<PackageIdentity | undefined> {
  const { path } = archive.file;
  try {
    const entry = await openNuspecEntry(archive);
    if (!entry) return undefined;
    const bytes = await readLimited(entry.stream, path, entry.name);
    return identityOf(bytes, path, entry.name);
  } catch (error) {
    if (error instanceof NupkgSigningError) throw error;
    throw new NupkgSigningError(
      'NUPKG001',
      `'${path}' has an unreadable entry (${(error as Error).message}).`,
      {
        file: path,
        cause: error,
      },
    );
  }
}

async function readLimited(stream: Readable, path: string, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > LIMITS.maxInflatedEntryBytes) {
      stream.destroy();
      throw new NupkgSigningError(
        'NUPKG004',
        `The entry '${name}' of '${path}' inflates to more than ${LIMITS.maxInflatedEntryBytes} bytes.`,
        { file: path },
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * NuGet loads the nuspec with XDocument.Load before any signature work: a nuspec that is not
 * well-formed XML (an XML declaration not at the start, a DTD, an unclosed tag, a bad byte), or
 * that has no metadata or id, makes `dotnet nuget verify` fail with an error and no code. We say
 * NUPKG001, "not a valid package"; an XML limit exceeded is NUPKG004.
 */
function identityOf(bytes: Buffer, path: string, name: string): PackageIdentity {
  try {
    return readNuspecIdentity(decodeXml(bytes));
  } catch (error) {
    if (error instanceof XmlLimitError) {
      throw new NupkgSigningError(
        'NUPKG004',
        `The nuspec '${name}' of '${path}' exceeds an XML limit at line ${error.line}: ${error.message}.`,
        { file: path, cause: error },
      );
    }
    if (error instanceof XmlSyntaxError || error instanceof NuspecContentError) {
      const what =
        error instanceof XmlSyntaxError ? 'is not well-formed XML' : 'is not a valid manifest';
      throw new NupkgSigningError(
        'NUPKG001',
        `'${path}' is not a valid package: its nuspec '${name}' ${what} (line ${error.line}: ${error.message}). Rebuild the package with dotnet pack.`,
        { file: path, cause: error },
      );
    }
    throw error;
  }
}
