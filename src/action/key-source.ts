import { NupkgSigningError } from '../errors.js';

/**
 * Key sources exclude each other: refuses `source` when other key inputs are set too, naming
 * them all, so the user knows which to remove.
 */
export function refuseOtherKeySources(source: string, others: readonly string[]): void {
  if (others.length === 0) return;
  throw new NupkgSigningError(
    'NUPKG003',
    `Set either '${source}' or ${others.map((name) => `'${name}'`).join(' and ')}, not both.`,
  );
}
