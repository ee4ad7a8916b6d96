import { NupkgSigningError } from '../errors.js';
import {
  HASH_ALGORITHMS,
  hashAlgorithmFromOid,
  type HashAlgorithmName,
} from '../hash-algorithms.js';

/** The "key: value" document inside the CMS that carries the package hash (nuget-signing-spec.md §2.2). */
export interface SignatureContent {
  readonly version: string;
  readonly hashAlgorithm: HashAlgorithmName;
  /** The hash value as written (base64), decoded lazily so a bad value is an integrity failure. */
  readonly hashBase64: string;
}

const KEY_PATTERN = /^[A-Za-z0-9.\-/]+$/;

/** Builds the exact bytes the reference signer writes: `Version:1\n\n<oid>-Hash:<b64>\n\n`. */
export function buildSignatureContent(algorithm: HashAlgorithmName, hash: Buffer): Buffer {
  const { oid } = HASH_ALGORITHMS[algorithm];
  return Buffer.from(`Version:1\n\n${oid}-Hash:${hash.toString('base64')}\n\n`, 'utf8');
}

/**
 * Parses signature content with NuGet's reader rules: lines split on LF, CRLF or CR; sections
 * separated by one empty line; `Version` must be `1` (NU3007); the first `<allowed oid>-Hash`
 * property of section 2 gives the hash (else NU3000).
 */
export function parseSignatureContent(bytes: Uint8Array): SignatureContent {
  const invalid = (why: string) =>
    new NupkgSigningError('NU3000', `The package signature content is invalid: ${why}.`);
  const lines = readLines(Buffer.from(bytes).toString('utf8'));
  let index = 0;

  // One section: key:value lines up to an empty line. Reaching the end first is an error.
  const readSection = (): Map<string, string> => {
    const properties = new Map<string, string>();
    for (;;) {
      const line = lines[index++];
      if (line === undefined) throw invalid('a section is not followed by an empty line');
      if (line === '') {
        if (properties.size === 0) throw invalid('a section is empty');
        return properties;
      }
      const colon = line.indexOf(':');
      const key = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1);
      if (!KEY_PATTERN.test(key) || value === '')
        throw invalid(`the line '${truncate(line)}' is not a key:value pair`);
      if (properties.has(key)) throw invalid(`the key '${key}' appears twice in a section`);
      properties.set(key, value);
    }
  };

  const header = readSection();
  const version = header.get('Version');
  if (version === undefined) throw invalid('it has no Version');
  if (version !== '1') {
    throw new NupkgSigningError(
      'NU3007',
      `The package signature format version '${truncate(version)}' is not supported; only version 1 is.`,
    );
  }
  const body = readSection();
  for (const [key, value] of body) {
    if (!key.endsWith('-Hash')) continue;
    const algorithm = hashAlgorithmFromOid(key.slice(0, -'-Hash'.length));
    if (algorithm) return { version, hashAlgorithm: algorithm, hashBase64: value };
  }
  throw invalid(
    'unable to read package hash information (no SHA-256, SHA-384 or SHA-512 hash line)',
  );
}

/**
 * Decodes the hash leniently, as .NET's Convert.FromBase64String does (white space ignored).
 * Returns undefined when it is not base64: NuGet reports that as an integrity failure.
 */
export function decodeContentHash(content: SignatureContent): Buffer | undefined {
  const compact = content.hashBase64.replace(/[\s]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/** Lines as .NET's StreamReader.ReadLine returns them: a final line break adds no empty line. */
function readLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
