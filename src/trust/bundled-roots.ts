import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NupkgSigningError } from '../errors.js';
import { TrustStore, type KnownSubjects } from './trust-store.js';

/** File names fixed by the .NET SDK layout (nuget-signing-spec.md §8.1). */
export const CODE_SIGNING_BUNDLE = 'codesignctl.pem';
export const TIMESTAMPING_BUNDLE = 'timestampctl.pem';
const DIRECTORY = 'trustedroots';
/** Subject keys of the bundled roots by fingerprint, written at build time (see below). */
export const SUBJECT_INDEX = 'subject-index.json';

export interface TrustStores {
  readonly codeSigning: TrustStore;
  readonly timestamping: TrustStore;
}

/**
 * Finds the shipped `trustedroots/` directory by walking up from `start` (default: this module).
 * The same code runs as `src/trust/*.ts` under jest and inside the single-file bundles
 * `dist/index.js` and `dist/cli/index.js`; the PEM files are not bundled but ship at the repo
 * root, so walking up from any of those locations reaches them.
 */
export function findTrustedRootsDirectory(start: string = moduleDirectory()): string | undefined {
  let directory = start;
  for (;;) {
    const candidate = join(directory, DIRECTORY);
    if (existsSync(join(candidate, CODE_SIGNING_BUNDLE))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** The SDK bundles shipped with this tool: the roots NuGet uses on macOS, and on Linux by default. */
export function loadBundledTrustStores(start?: string): TrustStores {
  const directory = findTrustedRootsDirectory(start);
  if (directory === undefined) {
    throw new NupkgSigningError(
      'NUPKG005',
      `The bundled trust roots (${DIRECTORY}/${CODE_SIGNING_BUNDLE}) were not found above ${start ?? moduleDirectory()}. Reinstall the tool so that ${DIRECTORY}/ ships next to dist/, or pass trust roots explicitly.`,
    );
  }
  const known = readSubjectIndex(join(directory, SUBJECT_INDEX));
  return {
    codeSigning: TrustStore.fromPemFiles([join(directory, CODE_SIGNING_BUNDLE)], known),
    timestamping: TrustStore.fromPemFiles([join(directory, TIMESTAMPING_BUNDLE)], known),
  };
}

/**
 * The build-time index of the bundled roots (`trustedroots/subject-index.json`, kept fresh by
 * __tests__/unit/trust/subject-index.test.ts): it spares every run canonicalising the 600 names.
 * It is keyed by each certificate's SHA-256, so an entry can only describe those exact bytes; a
 * missing, stale or damaged index costs time, never a different verdict.
 */
export function readSubjectIndex(path: string): KnownSubjects {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return new Map();
  }
  if (typeof parsed !== 'object' || parsed === null) return new Map();
  return new Map(
    Object.entries(parsed).filter((entry): entry is [string, string] => {
      return /^[0-9A-F]{64}$/.test(entry[0]) && typeof entry[1] === 'string';
    }),
  );
}

function moduleDirectory(): string {
  return dirname(fileURLToPath(import.meta.url));
}
