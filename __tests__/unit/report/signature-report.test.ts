import MarkdownIt from 'markdown-it';
import { renderSummary } from '../../../src/report/github/summary.js';
import { renderJson } from '../../../src/report/json.js';
import { commonName } from '../../../src/report/names.js';
import { renderText } from '../../../src/report/text.js';
import { PRESETS, type PresetName } from '../../../src/policy/presets.js';
import { parseCertificate } from '../../../src/signature/certificate.js';
import type { TimestampWindow } from '../../../src/verify/checks/timestamp.js';
import { describeValidity } from '../../../src/verify/checks/validity-period.js';
import { verifyPackage, type PackageVerification } from '../../../src/verify/verify-package.js';
import { parseFlowcharts } from '../../helpers/mermaid.js';
import {
  DEFECT_CASES,
  makeSignedPackage,
  signingPki,
  type SigningPki,
} from '../../helpers/signed-package.js';
import { useTempDir } from '../../helpers/temp-files.js';

/**
 * What the reports say about real signatures (generated PKI, packages signed with one defect):
 * the certificate's validity where it decides, the signature each issue is about, and the chains
 * the job summary draws. The codes and verdicts are those of defects.test.ts; these tests check
 * the words and fields around them.
 */
const CASES = [
  'Good',
  'Expired',
  'Expired.TimestampedInTime',
  'Expired.NoTimestamp',
  'NotYetValid',
  'TsaUntrusted',
  'Countersigned',
  'Countersigned.ExpiredAuthor',
  'Countersigned.NoSigningTime',
  'Tampered',
] as const;
type CaseId = (typeof CASES)[number];

const markdown = new MarkdownIt({ html: true, linkify: true });

describe('reports of real signatures', () => {
  const temp = useTempDir();
  let pki: SigningPki;
  const results = new Map<string, PackageVerification>();

  beforeAll(async () => {
    pki = await signingPki();
    for (const id of CASES) {
      const options = DEFECT_CASES.find((c) => c.id === id)?.options ?? {};
      await makeSignedPackage({ directory: temp.path(''), id, pki, ...options });
    }
  }, 60_000);

  async function verified(id: CaseId, preset: PresetName = 'verify'): Promise<PackageVerification> {
    const key = `${id} ${preset}`;
    const known = results.get(key);
    if (known) return known;
    const result = await verifyPackage(temp.path(`${id}.nupkg`), {
      policy: PRESETS[preset],
      now: new Date(),
      trust: pki.trust,
    });
    results.set(key, result);
    return result;
  }

  const year = new Date().toISOString().slice(0, 4);

  describe('certificate validity where it decides', () => {
    it('says an expired certificate is valid because of a timestamp inside its validity', async () => {
      const result = await verified('Expired.TimestampedInTime');
      expect(result.valid).toBe(true);
      const phrase = 'certificate expired 2023-01-01; valid because timestamped 2022-06-01';
      expect(result.signatures?.[0]?.validity).toBe(phrase);
      expect(renderText([result])).toContain(`\n    ${phrase}\n`);
      expect(JSON.parse(renderJson([result])).results[0].signatures[0].validity).toBe(phrase);
      expect(summaryOf([result])).toContain(phrase);
    });

    it('says an expired certificate without a timestamp fails (NU3037)', async () => {
      const result = await verified('Expired.NoTimestamp');
      const nu3037 = result.issues.find((i) => i.code === 'NU3037');
      const phrase = 'certificate expired 2023-01-01 and the signature has no valid timestamp';
      expect(nu3037?.message).toContain(`The signature validity period has expired: ${phrase}.`);
      expect(result.signatures?.[0]?.validity).toBe(phrase);
    });

    it('says a certificate that expired before its timestamp fails (NU3037)', async () => {
      const result = await verified('Expired');
      const nu3037 = result.issues.find((i) => i.code === 'NU3037');
      expect(nu3037?.message).toMatch(
        new RegExp(
          `: certificate expired 2023-01-01, before its timestamp ${year}-\\d\\d-\\d\\d\\.`,
        ),
      );
    });

    it('says until when a certificate is not yet valid (NU3017)', async () => {
      const result = await verified('NotYetValid');
      const nu3017 = result.issues.find((i) => i.code === 'NU3017');
      expect(nu3017?.message).toMatch(
        /is not yet valid: certificate not yet valid until 2040-01-01\.$/,
      );
      expect(result.signatures?.[0]?.validity).toMatch(
        /^certificate not yet valid until 2040-01-01, after its timestamp \d{4}-\d\d-\d\d$/,
      );
    });

    it('names the countersignature timestamp that keeps an expired author certificate valid', async () => {
      const result = await verified('Countersigned.ExpiredAuthor');
      expect(result.valid).toBe(true);
      expect(result.signatures?.[0]?.validity).toBe(
        'certificate expired 2023-01-01; valid because countersigned 2022-06-01',
      );
    });

    it('words every case in one phrase that fits 80 columns indented by four', () => {
      // The good leaf is valid 2020-01-01 to 2045-01-01.
      const certificate = parseCertificate(pki.leaf.certificate);
      const at = (iso: string) => new Date(`${iso}T00:00:00Z`);
      const stamp = (iso: string): TimestampWindow => ({
        genTime: at(iso),
        lower: at(iso),
        upper: at(iso),
        tsa: certificate,
      });
      const cases: [TimestampWindow | undefined, string, string | undefined][] = [
        [undefined, '2030-01-01', undefined],
        [
          stamp('2030-01-01'),
          '2044-12-20',
          'certificate expires 2045-01-01; timestamped 2030-01-01, so stays valid',
        ],
        [
          undefined,
          '2044-12-20',
          'certificate expires 2045-01-01 and the signature has no valid timestamp',
        ],
        [
          undefined,
          '2046-01-01',
          'certificate expired 2045-01-01 and the signature has no valid timestamp',
        ],
        [
          undefined,
          '2019-01-01',
          'certificate not yet valid until 2020-01-01, and no valid timestamp',
        ],
        [
          stamp('2046-01-01'),
          '2046-02-01',
          'certificate expired 2045-01-01, before its timestamp 2046-01-01',
        ],
        [
          stamp('2030-01-01'),
          '2046-02-01',
          'certificate expired 2045-01-01; valid because timestamped 2030-01-01',
        ],
        [
          stamp('2019-06-01'),
          '2030-01-01',
          'certificate not yet valid until 2020-01-01, after its timestamp 2019-06-01',
        ],
      ];
      for (const [timestamp, now, phrase] of cases) {
        expect(describeValidity(certificate, timestamp, at(now))).toBe(phrase);
        expect(`    ${phrase ?? ''}`.length).toBeLessThanOrEqual(80);
      }
      expect(
        describeValidity(certificate, stamp('2030-01-01'), at('2046-02-01'), 'countersigned'),
      ).toBe('certificate expired 2045-01-01; valid because countersigned 2030-01-01');
    });

    it('says nothing when the validity does not matter', async () => {
      const result = await verified('Good');
      expect(result.signatures?.[0]?.validity).toBeUndefined();
    });
  });

  describe('issues tied to their signature', () => {
    it('marks the primary signature’s findings, in --json and in the text under a heading', async () => {
      const result = await verified('Expired.NoTimestamp');
      expect(result.issues.map((i) => [i.code, i.signature])).toEqual([
        ['NU3027', 'primary-timestamp'],
        ['NU3037', 'primary'],
      ]);
      const json = JSON.parse(renderJson([result])).results[0].issues;
      expect(json.map((i: { signature?: string }) => i.signature)).toEqual([
        'primary-timestamp',
        'primary',
      ]);
      const lines = renderText([result]).split('\n');
      const heading = lines.indexOf('  primary (author) signature:');
      expect(heading).toBeGreaterThan(0);
      expect(lines[heading + 1]).toMatch(/^ {4}error NU3037: /);
      expect(lines).toContain('  timestamp of the primary (author) signature:');
    });

    it('marks the timestamp’s findings as the timestamp’s', async () => {
      const result = await verified('TsaUntrusted');
      const nu3028 = result.issues.filter((i) => i.code === 'NU3028');
      expect(nu3028.length).toBeGreaterThan(0);
      expect(nu3028.every((i) => i.signature === 'primary-timestamp')).toBe(true);
    });

    it('marks the repository countersignature’s findings as its own', async () => {
      const result = await verified('Countersigned.NoSigningTime');
      const nu3031 = result.issues.find((i) => i.code === 'NU3031');
      expect(nu3031?.signature).toBe('countersignature');
      expect(renderText([result])).toContain(
        '\n  repository countersignature:\n    error NU3031: ',
      );
    });

    it('leaves package-wide findings without a signature, listed before the headings', async () => {
      const result = await verified('Tampered');
      expect(result.issues.find((i) => i.code === 'NU3008')?.signature).toBeUndefined();
      const lines = renderText([result]).split('\n');
      expect(lines.findIndex((l) => l.startsWith('  error NU3008: '))).toBeGreaterThan(0);
    });

    it('marks a signer outside --certificate-fingerprint as the primary signature’s finding', async () => {
      const result = await verifyPackage(temp.path('Good.nupkg'), {
        policy: { ...PRESETS.verify, allowedFingerprints: ['00'.repeat(32)] },
        now: new Date(),
        trust: pki.trust,
      });
      expect(result.valid).toBe(false);
      expect(result.issues.filter((i) => i.level === 'error').map((i) => i.signature)).toEqual([
        'primary',
      ]);
    });
  });

  describe('signing chains', () => {
    it('reports the chains it built, leaf first, for the signature and its timestamp', async () => {
      const [author, counter] = (await verified('Countersigned')).signatures ?? [];
      expect(author?.chain?.map((c) => c.fingerprintSha256)).toEqual([
        pki.leaf.fingerprintSha256,
        pki.intermediate.fingerprintSha256,
        pki.root.fingerprintSha256,
      ]);
      expect(author?.timestamp?.chain?.map((c) => c.fingerprintSha256)).toEqual([
        pki.tsa.fingerprintSha256,
        pki.tsaRoot.fingerprintSha256,
      ]);
      expect(counter?.chain?.[0]?.fingerprintSha256).toBe(pki.repositoryLeaf.fingerprintSha256);
      expect(author?.chain?.[0]?.subject).toBe(author?.signer.subject);
    });

    it('draws each distinct chain of the run once in the job summary', async () => {
      const source = summaryOf([
        await verified('Good'),
        await verified('Countersigned'),
        await verified('Expired.TimestampedInTime'),
      ]);
      const diagrams = markdown
        .parse(source, {})
        .filter((t) => t.type === 'fence' && t.info === 'mermaid')
        .map((t) => t.content);
      // The good author chain, the TSA chain, the repository chain, the expired leaf's chain.
      const parsed = parseFlowcharts(diagrams);
      expect(parsed.map((p) => [p.vertices.length, p.edges.length])).toEqual([
        [3, 2],
        [2, 1],
        [3, 2],
        [3, 2],
      ]);
    });
  });

  it('fits every line within 80 columns for these packages, messages aside', async () => {
    const all = await Promise.all(CASES.map((id) => verified(id)));
    // Values (the temporary folder, package ids and file names, signer names) are as long as they
    // are: each is measured as one character, so that what is left is the report's own text.
    let text = renderText(all).replaceAll(temp.path(''), '');
    const names = all.flatMap((r) => (r.signatures ?? []).map((g) => commonName(g.signer.subject)));
    for (const value of [...CASES, ...names].sort((a, b) => b.length - a.length))
      text = text.replaceAll(value, 'X');
    const lines = text.split('\n');
    // Messages quote certificate descriptions: as long as those make them.
    const own = lines.filter((line) => !/NU\d{4}: /.test(line));
    expect(own.filter((line) => line.length > 80)).toEqual([]);
    expect(own).toContain('  primary (author) signature:');
    expect(
      own.filter((line) => /^ {2}primary author: X, timestamped \d{4}-\d\d-\d\d$/.test(line))
        .length,
    ).toBeGreaterThan(0);
  });

  it('names the signer in full, with its fingerprint, with --verbose', async () => {
    const result = await verified('Good');
    const signer = result.signatures?.[0]?.signer;
    expect(renderText([result], { verbose: true })).toContain(
      `  primary author: ${signer?.subject} [SHA-256 ${signer?.fingerprintSha256}], timestamped ${result.signatures?.[0]?.timestamp?.time}\n`,
    );
  });
});

function summaryOf(results: readonly PackageVerification[]): string {
  return renderSummary({ mode: 'verify', verifications: results, signing: [], verdict: 'x.' });
}
