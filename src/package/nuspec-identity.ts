import { LIMITS } from '../limits.js';
import { isNuGetVersion } from './nuget-version.js';
import { XmlLimitError } from '../xml/errors.js';
import { readXml, type XmlStartTag } from '../xml/read-xml.js';

/** A package's identity as its nuspec states it. */
export interface PackageIdentity {
  readonly id: string;
  readonly version: string;
}

/** The nuspec is well-formed but is not a manifest NuGet can read (no metadata, no id). */
export class NuspecContentError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'NuspecContentError';
  }
}

/**
 * Reads `<id>` and `<version>` as NuGet's NuspecCoreReaderBase does, from one pass of XML events
 * (the whole document is still checked, as XDocument.Load reads all of it):
 * - `metadata` is the first child of the root element with that local name, in any namespace;
 * - `id` and `version` are its first children with that name in metadata's default namespace;
 * - their value is all the text inside them; text runs that are only whitespace are dropped
 *   (XmlReaderSettings.IgnoreWhitespace). We trim the values, as before (NuGet keeps the spaces).
 * A missing metadata or id is an error, as in NuGet ("Value cannot be null. (Parameter 'id')"), and
 * so is a version NuGetVersion.Parse refuses; a missing version is not.
 */
export function readNuspecIdentity(text: string): PackageIdentity {
  let metadata: { depth: number; namespace: string } | undefined;
  let metadataLine: number | undefined;
  let metadataDone = false;
  let capture: { field: 'id' | 'version'; depth: number; value: string } | undefined;
  const values: { id?: string; version?: string } = {};
  let depth = 0;

  readXml(text, {
    startElement(tag: XmlStartTag) {
      depth = tag.depth;
      if (!metadata && !metadataDone && depth === 2 && tag.localName === 'metadata') {
        metadata = { depth, namespace: tag.defaultNamespace };
        metadataLine = tag.line;
      } else if (metadata && !capture && depth === metadata.depth + 1) {
        const field = tag.localName;
        if (
          (field === 'id' || field === 'version') &&
          tag.namespace === metadata.namespace &&
          values[field] === undefined
        )
          capture = { field, depth, value: '' };
      }
    },
    endElement() {
      if (capture && depth === capture.depth) {
        values[capture.field] = capture.value;
        capture = undefined;
      }
      if (metadata && depth === metadata.depth) {
        metadata = undefined;
        metadataDone = true;
      }
      depth--;
    },
    text(value, cdata) {
      if (!capture || (!cdata && isXmlSpace(value, 0, value.length))) return;
      capture.value += value;
      if (capture.value.length > LIMITS.maxXmlValueChars) {
        throw new XmlLimitError(
          `<${capture.field}> holds more than ${LIMITS.maxXmlValueChars} characters`,
          metadataLine ?? 1,
        );
      }
    },
  });

  if (!metadataDone) throw new NuspecContentError("it has no 'metadata' element", 1);
  if (values.id === undefined)
    throw new NuspecContentError("its 'metadata' element has no 'id' element", metadataLine ?? 1);
  if (values.version !== undefined && !isNuGetVersion(values.version)) {
    const shown = values.version.length > 64 ? `${values.version.slice(0, 64)}…` : values.version;
    throw new NuspecContentError(
      `its version ${JSON.stringify(shown)} is not a valid NuGet version`,
      metadataLine ?? 1,
    );
  }
  return { id: trimXmlSpace(values.id), version: trimXmlSpace(values.version ?? '') };
}

/** Trims XML whitespace with a loop: a regex such as /\s+$/ is quadratic on long space runs. */
function trimXmlSpace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isXmlSpace(value, start, start + 1)) start++;
  while (end > start && isXmlSpace(value, end - 1, end)) end--;
  return value.slice(start, end);
}

function isXmlSpace(value: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = value.charCodeAt(i);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return false;
  }
  return true;
}
