import { join } from 'node:path';
import { PRESETS } from '../../src/policy/presets.js';
import { loadBundledTrustStores } from '../../src/trust/bundled-roots.js';
import { verifyPackage } from '../../src/verify/verify-package.js';
import { CORPUS_DIR, describeWithCorpus, readDotnetVerdicts, readTsv } from '../helpers/corpus.js';
import { expectConsistentVerdict } from '../helpers/verdict-consistency.js';

/** The day the dotnet verdicts were recorded: verdicts of untimestamped signatures depend on it. */
const NOW = new Date('2026-11-25T07:30:00Z');
const trust = loadBundledTrustStores();
/**
 * Where the manifest's independent reading and the real client disagree, the client wins
 * (checked with dotnet nuget verify, SDK 10.0.401).
 */
const CLIENT_WINS: Record<string, string> = {
  // .NET opens an archive with no entries; it then has no nuspec.
  'nuget-client-resource__emptyzip64.zip': 'NU5037',
  // The nuspec's XML declaration is not at its start: "is not a valid package file".
  'zip64package.1.0.0__2018-01-17.nupkg': 'NUPKG001',
  // Its signing-certificate-v2 value lacks the `certs` SEQUENCE level: .NET cannot decode it.
  'testsigned.leaf-1.1.0.0__2018-01-05.nupkg': 'NU3003',
};

const verify = async (file: string) => {
  const result = await verifyPackage(file, { policy: PRESETS.verify, now: NOW, trust });
  expectConsistentVerdict(result);
  return result;
};

describeWithCorpus('corpus: verdicts on real and tampered packages', () => {
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
      verdicts.map((v) => [v.file, [...v.codes].sort().join(' ') || '(no findings)', v] as const),
    )('%s: %s', async (file, _shown, verdict) => {
      const subject = await verify(join(CORPUS_DIR, file));
      const ours = new Set(
        subject.issues
          .filter((i) => i.level !== 'info')
          .map((i) => `${i.level === 'error' ? 'e' : 'w'}${i.code}`),
      );
      if (verdict.codes.has('eNU5037')) {
        // dotnet stops at the missing nuspec; we go on to judge the signature too.
        expect(ours).toContain('eNU5037');
        expect(subject.valid).toBe(false);
        return;
      }
      expect([...ours].sort()).toEqual([...verdict.codes].sort());
      // dotnet exits 0 after printing "not a valid package file"; we fail such a file.
      expect(subject.valid).toBe(verdict.exit === 0 && !verdict.codes.has('eNUPKG001'));
    });
  });
});
