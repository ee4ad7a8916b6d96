import {
  LOCAL_FILE_HEADER_SIZE,
  parseLocalFileHeader,
  type CentralDirectoryRecord,
} from './zip-format.js';

/**
 * Cross-checks a central directory record against the local header it points at: the
 * `PK\x03\x04` signature and the same name bytes. NuGet's hash never looks (it hashes raw spans),
 * so a mismatch does not change the verdict, but it means the archive is damaged or crafted to
 * show different files to different readers. `head` holds the first bytes of the entry's span.
 */
export function localHeaderMismatch(
  record: CentralDirectoryRecord,
  head: Buffer,
): string | undefined {
  const local = parseLocalFileHeader(
    head.subarray(0, Math.min(head.length, LOCAL_FILE_HEADER_SIZE + 0xffff)),
  );
  // Names are made into strings only for the message: this runs once per entry.
  const name = () => record.rawName.toString('latin1');
  if (!local) return `no local header at offset ${record.localHeaderOffset} for '${name()}'`;
  if (!local.rawName.equals(record.rawName)) {
    return `the local header at offset ${record.localHeaderOffset} names '${Buffer.from(local.rawName).toString('latin1')}', the central directory '${name()}'`;
  }
  return undefined;
}
