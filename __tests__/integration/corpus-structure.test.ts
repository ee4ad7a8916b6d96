import { join } from 'node:path';
import { PRESETS } from '../../src/policy/presets.js';
import { verifyPackage } from '../../src/verify/verify-package.js';
import { CORPUS_DIR, describeWithCorpus, readDotnetVerdicts, readTsv } from '../helpers/corpus.js';

const NOW = new Date('2026-11-25T00:00:00Z');
/**
 * Where the manifest's independent reading and the real client disagree, the client wins
 * (checked with dotnet nuget verify, SDK 10.0.401).
 */
const CLIENT_WINS: Record<string, string> = {
  // .NET opens an archive with no entries; it then has no nuspec.
  'nuget-client-resource__emptyzip64.zip': 'NU5037',
  // The nuspec's XML declaration is not at its start: "is not a valid package file".
  'zip64package.1.0.0__2018-01-17.nupkg': 'NUPKG001',
};

const verify = (file: string) => verifyPackage(file, { policy: PRESETS.verify, now: NOW });

/** Codes that describe the archive, the signature entry and the signed content (spec §1–3). */
const STRUCTURAL = new Set([
  'NU3003',
  'NU3004',
  'NU3005',
  'NU3007',
  'NU3008',
  'NU3009',
  'NU5037',
  'NUPKG001',
]);

function structuralCodes(codes: Iterable<string>): string[] {
  return [...codes]
    .map((c) => c.replace(/^[ew]/, ''))
    .filter((c) => STRUCTURAL.has(c))
    .sort();
}

describeWithCorpus('corpus: archive structure and integrity', () => {
  describe('against MANIFEST.tsv (expected_structural_result)', () => {
    const rows = readTsv(join(CORPUS_DIR, 'real', 'MANIFEST.tsv')).filter(
      (r) => !r['file']?.endsWith('.p7s'),
    );

    it.each(rows.map((r) => [r['file'] as string, r['expected_structural_result'] as string]))(
      '%s: %s',
      async (file, expected) => {
        const subject = await verify(join(CORPUS_DIR, 'real', file));
        const codes = subject.issues.map((i) => i.code);
        const clientCode = CLIENT_WINS[file];
        if (clientCode) {
          expect(codes).toContain(clientCode);
          expect(subject.valid).toBe(false);
        } else if (expected.startsWith('integrity+CMS signature valid')) {
          expect(codes).not.toEqual(expect.arrayContaining(['NU3008']));
          expect(['author', 'repository']).toContain(subject.signature);
        } else if (expected.startsWith('unsigned')) {
          expect(subject.signature).toBe('unsigned');
          expect(codes).toContain('NU3004');
        } else if (expected.startsWith('reject: NU3005')) {
          expect(codes).toContain('NU3005');
        } else if (expected.startsWith('reject: not a readable zip')) {
          expect(codes).toEqual(['NUPKG001']);
          expect(subject.valid).toBe(false);
        } else if (expected.startsWith('reject: signature unreadable')) {
          expect(codes).toContain('NU3003');
          expect(subject.signature).toBe('unknown');
        } else {
          throw new Error(`unhandled manifest expectation: ${expected}`);
        }
      },
    );
  });

  describe('against dotnet nuget verify --all (recorded in __tests__/data)', () => {
    const verdicts = readDotnetVerdicts();

    it.each(
      verdicts.map((v) => [v.file, structuralCodes(v.codes).join(' ') || '(none)', v] as const),
    )('%s: structural codes %s', async (file, _shown, verdict) => {
      const subject = await verify(join(CORPUS_DIR, file));
      const ours = structuralCodes(subject.issues.map((i) => i.code));
      if (verdict.codes.has('eNU5037')) {
        // dotnet stops at the missing nuspec; we go on to judge the signature too.
        expect(ours).toContain('NU5037');
      } else {
        expect(ours).toEqual(structuralCodes(verdict.codes));
      }
    });
  });
});
