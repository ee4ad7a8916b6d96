import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The shared corpus of real and tampered packages, when this machine has it. */
export const CORPUS_DIR = resolve(
  process.env['NUPKG_SIGNING_CORPUS'] ?? join(process.cwd(), '..', 'shared', 'corpus'),
);
export const HAS_CORPUS = existsSync(join(CORPUS_DIR, 'real', 'MANIFEST.tsv'));

/** `describe`, or `describe.skip` with a message saying why, for suites that need the corpus. */
export function describeWithCorpus(name: string, body: () => void): void {
  if (HAS_CORPUS) {
    describe(name, body);
  } else {
    // The body is not run: it would read corpus files to build its test table.
    describe.skip(`${name} (skipped: no corpus at ${CORPUS_DIR}; set NUPKG_SIGNING_CORPUS)`, () => {
      it('needs the shared corpus', () => undefined);
    });
  }
}

export function readTsv(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const columns = (header as string).split('\t');
  return rows.map((row) => {
    const cells = row.split('\t');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

/** One row of `__tests__/data/dotnet-verify-corpus.tsv`: what `dotnet nuget verify --all` said. */
export interface DotnetVerdict {
  readonly file: string;
  readonly exit: number;
  /** Codes as `e`/`w` + code, plus the codes NuGet prints without a code for fatal read errors. */
  readonly codes: Set<string>;
}

/** Messages that `dotnet nuget verify` prints without their code, mapped to the code we report. */
const UNCODED: [RegExp, string][] = [
  [/multiple package signature files|does not contain a valid package signature file/, 'eNU3005'],
  [/missing the required nuspec file/, 'eNU5037'],
  [
    /End of Central Directory|Zip64 End of Central Directory|Unexpected XML declaration/,
    'eNUPKG001',
  ],
];

export function readDotnetVerdicts(): DotnetVerdict[] {
  return readTsv(join(process.cwd(), '__tests__', 'data', 'dotnet-verify-corpus.tsv')).map(
    (row) => {
      const codes = new Set((row['codes'] ?? '').split(' ').filter(Boolean));
      for (const [pattern, code] of UNCODED)
        if (pattern.test(row['uncoded_error'] ?? '')) codes.add(code);
      return { file: row['file'] as string, exit: Number(row['exit']), codes };
    },
  );
}
