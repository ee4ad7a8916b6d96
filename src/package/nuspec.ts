import type { Readable } from 'node:stream';
import { NupkgSigningError } from '../errors.js';
import type { PackageArchive } from './archive.js';
import { LIMITS } from './limits.js';
import { openNuspecEntry } from './nuspec-entry.js';

/** A package's identity as its nuspec states it. */
export interface PackageIdentity {
  readonly id: string;
  readonly version: string;
}

/**
 * Reads the root-level `.nuspec` (inflated with a size limit) and returns its id and version.
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
    const xml = await readLimited(entry.stream, path, entry.name);
    checkXmlDeclaration(xml, path, entry.name);
    return parseIdentity(xml);
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

async function readLimited(stream: Readable, path: string, name: string): Promise<string> {
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
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * NuGet parses the nuspec with an XML reader, which refuses an XML declaration anywhere but at the
 * very start; such a package is "not a valid package file". We check that rule (the one real
 * packages break) rather than all of XML.
 */
function checkXmlDeclaration(xml: string, path: string, name: string): void {
  const text = xml.startsWith('\uFEFF') ? xml.slice(1) : xml;
  const at = text.indexOf('<?xml');
  if (at > 0) {
    throw new NupkgSigningError(
      'NUPKG001',
      `'${path}' is not a valid package: its nuspec '${name}' has an XML declaration that is not at the start of the file. Rebuild the package with dotnet pack.`,
      { file: path },
    );
  }
}

/** Reads `<id>` and `<version>` from the nuspec's metadata; enough for reports and policy matching. */
function parseIdentity(xml: string): PackageIdentity {
  const metadata = /<metadata\b[^>]*>([\s\S]*?)<\/metadata>/.exec(xml)?.[1] ?? xml;
  const id = /<id>\s*([^<]*?)\s*<\/id>/.exec(metadata)?.[1];
  const version = /<version>\s*([^<]*?)\s*<\/version>/.exec(metadata)?.[1];
  return { id: id ?? '', version: version ?? '' };
}
