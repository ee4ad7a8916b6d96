import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NupkgSigningError } from '../errors.js';
import { TrustStore } from './trust-store.js';

/** File names fixed by the .NET SDK layout (nuget-signing-spec.md §8.1). */
export const CODE_SIGNING_BUNDLE = 'codesignctl.pem';
export const TIMESTAMPING_BUNDLE = 'timestampctl.pem';
const DIRECTORY = 'trustedroots';

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
  return {
    codeSigning: TrustStore.fromPemFiles([join(directory, CODE_SIGNING_BUNDLE)]),
    timestamping: TrustStore.fromPemFiles([join(directory, TIMESTAMPING_BUNDLE)]),
  };
}

function moduleDirectory(): string {
  return dirname(fileURLToPath(import.meta.url));
}
