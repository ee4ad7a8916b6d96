import { NupkgSigningError } from '../errors.js';
import { REVOCATION_MODES, type RevocationMode } from './types.js';

/** NuGet's switch between online and offline revocation checking (spec §6.1, §6.9). */
export const REVOCATION_MODE_VARIABLE = 'NUGET_CERT_REVOCATION_MODE';

/**
 * The revocation mode for a run: the one asked for, else NUGET_CERT_REVOCATION_MODE as NuGet
 * reads it (case-insensitive `offline`; anything else, or nothing, is online).
 */
export function resolveRevocationMode(
  requested: string | undefined,
  environment: NodeJS.ProcessEnv = process.env,
): RevocationMode {
  if (requested !== undefined) {
    const mode = requested.trim().toLowerCase();
    if (!(REVOCATION_MODES as readonly string[]).includes(mode)) {
      throw new NupkgSigningError(
        'NUPKG003',
        `Unknown revocation mode '${requested}'. Use one of: ${REVOCATION_MODES.join(', ')}.`,
      );
    }
    return mode as RevocationMode;
  }
  return environment[REVOCATION_MODE_VARIABLE]?.trim().toLowerCase() === 'offline'
    ? 'offline'
    : 'online';
}
