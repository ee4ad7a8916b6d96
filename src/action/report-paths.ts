import type { RunOutcome } from './execute.js';

/**
 * The outcome with every package path spelled with `/`, for the outputs, the results file, the job
 * summary and the report files. On Windows a glob or a folder yields `artifacts\Foo.nupkg` while a
 * named file keeps the user's `artifacts/Foo.nupkg`; Windows accepts both, and one spelling keeps
 * the lists readable and comparable. Elsewhere a backslash is part of a file name and is kept.
 */
export function withForwardSlashes(
  outcome: RunOutcome,
  platform: NodeJS.Platform = process.platform,
): RunOutcome {
  if (platform !== 'win32') return outcome;
  const slashes = (path: string): string => path.replaceAll('\\', '/');
  return {
    packages: outcome.packages.map(slashes),
    signing: outcome.signing.map((o) => ({
      ...o,
      file: slashes(o.file),
      ...(o.outputPath === undefined ? {} : { outputPath: slashes(o.outputPath) }),
    })),
    verifications: outcome.verifications.map((r) => ({ ...r, file: slashes(r.file) })),
  };
}
