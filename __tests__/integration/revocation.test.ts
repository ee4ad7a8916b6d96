import { join } from 'node:path';
import { PRESETS } from '../../src/policy/presets.js';
import { createRevocationChecker, type RevocationMode } from '../../src/revocation/index.js';
import { loadBundledTrustStores } from '../../src/trust/bundled-roots.js';
import { verifyPackage, type PackageVerification } from '../../src/verify/verify-package.js';
import { CORPUS_DIR, describeWithCorpus, readDotnetVerdicts } from '../helpers/corpus.js';
import {
  reservePort,
  revocationExtensions,
  startOcspResponder,
  type OcspResponder,
} from '../helpers/ocsp-responder.js';
import type { TestCertificate } from '../helpers/pki.js';
import { makeSignedPackage, signingPki, type SigningPki } from '../helpers/signed-package.js';
import { useTempDir } from '../helpers/temp-files.js';

/**
 * Revocation through the whole verifier: packages signed with a generated PKI whose leaf names a
 * real OCSP responder (openssl ocsp on 127.0.0.1), timestamped on 2025-01-01.
 */
const TIMESTAMP_TIME = new Date('2025-01-01T00:00:00Z');
const REVOKED_BEFORE = new Date('2024-06-01T00:00:00Z');
const REVOKED_AFTER = new Date('2025-06-01T00:00:00Z');

const temp = useTempDir();
let pki: SigningPki;
let responder: OcspResponder;
const packages: Record<string, string> = {};

beforeAll(async () => {
  pki = await signingPki();
  const port = await reservePort();
  const ocspUrl = `http://127.0.0.1:${port}/ocsp`;
  const issue = (name: string) =>
    pki.intermediate.issueLeaf({
      subject: `CN=${name}, O=nupkg-signing tests`,
      keyPair: pki.leaf.keyPair,
      extraExtensions: revocationExtensions({ ocspUrl }),
    });
  const leaves: Record<string, TestCertificate> = {
    good: await issue('Revocation Good'),
    revokedBefore: await issue('Revoked Before Timestamp'),
    revokedAfter: await issue('Revoked After Timestamp'),
  };
  responder = await startOcspResponder({
    ca: pki.intermediate,
    port,
    entries: [
      { certificate: leaves.good!, status: 'valid' },
      { certificate: leaves.revokedBefore!, status: 'revoked', revokedAt: REVOKED_BEFORE },
      { certificate: leaves.revokedAfter!, status: 'revoked', revokedAt: REVOKED_AFTER },
    ],
  });
  for (const [id, leaf] of Object.entries(leaves)) {
    const withLeaf: SigningPki = {
      ...pki,
      signingCertificate: async (defect) =>
        defect ? pki.signingCertificate(defect) : { leaf, chain: [pki.intermediate.certificate] },
    };
    packages[id] = await makeSignedPackage({
      directory: temp.path(''),
      id: `Revocation.${id}`,
      pki: withLeaf,
      timestampTime: TIMESTAMP_TIME,
    });
  }
}, 60_000);

afterAll(() => responder?.close());

async function verify(
  id: string,
  options: { policy?: keyof typeof PRESETS; mode?: RevocationMode } = {},
): Promise<PackageVerification> {
  const now = new Date();
  return verifyPackage(packages[id] as string, {
    policy: PRESETS[options.policy ?? 'verify'],
    now,
    trust: pki.trust,
    revocation: createRevocationChecker({ mode: options.mode ?? 'online', now, timeoutMs: 2_000 }),
  });
}

const findings = (result: PackageVerification) =>
  result.issues.map((i) => `${i.level} ${i.code}`).sort();

describe('#verifyPackage with online revocation checking', () => {
  describe('when the signing certificate is good', () => {
    it('is valid; only the unreachable statuses (intermediate, TSA) are warnings', async () => {
      const subject = await verify('good');
      expect(subject.valid).toBe(true);
      expect(findings(subject)).toEqual(['warning NU3018', 'warning NU3028']);
      const nu3018 = subject.issues.find((i) => i.code === 'NU3018');
      expect(nu3018?.message).not.toMatch(/Revocation Good/);
      expect(nu3018?.message).toMatch(/names no http OCSP responder or CRL distribution point/);
    });
  });

  describe('when the signing certificate was revoked before the timestamp', () => {
    it.each(['verify', 'nuget.org'] as const)('is invalid with NU3012 under %s', async (policy) => {
      const subject = await verify('revokedBefore', { policy });
      expect(subject.valid).toBe(false);
      // The TSA chain (checked first) names no responder: its status stays a warning.
      expect(findings(subject)).toEqual(['error NU3012', 'warning NU3028']);
      expect(subject.issues.find((i) => i.code === 'NU3012')?.message).toMatch(
        /was revoked on 2024-06-01T00:00:00.000Z \(OCSP\)/,
      );
    });
  });

  describe('when the signing certificate was revoked after the timestamp', () => {
    it('is invalid with NU3012 under verify (the client treats any revocation as fatal)', async () => {
      const subject = await verify('revokedAfter');
      expect(subject.valid).toBe(false);
      expect(findings(subject)).toEqual(['error NU3012', 'warning NU3028']);
    });

    it('is kept under nuget.org with an NU3012 warning (§9.4)', async () => {
      const subject = await verify('revokedAfter', { policy: 'nuget.org' });
      expect(subject.valid).toBe(true);
      expect(findings(subject)).toEqual(['warning NU3012', 'warning NU3018', 'warning NU3028']);
    });
  });

  describe('in offline mode', () => {
    it('asks no server and reports the unknown statuses as information only', async () => {
      const before = responder.requests;
      const subject = await verify('revokedBefore', { mode: 'offline' });
      expect(responder.requests).toBe(before);
      expect(subject.valid).toBe(true);
      expect(findings(subject)).toEqual(['info NU3018', 'info NU3028']);
    });
  });
});

describeWithCorpus('corpus: verdicts with offline revocation checking', () => {
  const NOW = new Date('2026-11-25T07:30:00Z');
  const trust = loadBundledTrustStores();
  const revocation = createRevocationChecker({ mode: 'offline', now: NOW });
  const verdicts = readDotnetVerdicts().filter((v) => !v.codes.has('eNU5037'));

  it.each(verdicts.map((v) => [v.file, v] as const))(
    '%s: same verdict as dotnet (NUGET_CERT_REVOCATION_MODE=offline)',
    async (file, verdict) => {
      const subject = await verifyPackage(join(CORPUS_DIR, file), {
        policy: PRESETS.verify,
        now: NOW,
        trust,
        revocation,
      });
      const ours = subject.issues
        .filter((i) => i.level !== 'info')
        .map((i) => `${i.level === 'error' ? 'e' : 'w'}${i.code}`);
      expect([...new Set(ours)].sort()).toEqual([...verdict.codes].sort());
      expect(subject.valid).toBe(verdict.exit === 0 && !verdict.codes.has('eNUPKG001'));
      // The revocation findings offline are information, mentioning NuGet's variable.
      for (const info of subject.issues.filter((i) => i.message.includes('offline'))) {
        expect(info.level).toBe('info');
        expect(['NU3018', 'NU3028']).toContain(info.code);
        expect(info.message).toMatch(/NUGET_CERT_REVOCATION_MODE/);
      }
    },
  );

  it('gives the offline information on a valid nuget.org-signed package', async () => {
    const subject = await verifyPackage(join(CORPUS_DIR, 'real', 'system.buffers.4.5.1.nupkg'), {
      policy: PRESETS.verify,
      now: NOW,
      trust,
      revocation,
    });
    expect(subject.valid).toBe(true);
    expect(findings(subject)).toEqual(expect.arrayContaining(['info NU3018', 'info NU3028']));
    expect(subject.issues.filter((i) => i.level !== 'info')).toEqual([]);
  });
});
