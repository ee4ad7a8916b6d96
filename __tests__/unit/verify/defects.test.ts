import { PRESETS, type PresetName } from '../../../src/policy/presets.js';
import { verifyPackage, type PackageVerification } from '../../../src/verify/verify-package.js';
import {
  DEFECT_CASES,
  makeSignedPackage,
  signingPki,
  type SigningPki,
} from '../../helpers/signed-package.js';
import { useTempDir } from '../../helpers/temp-files.js';

/**
 * NuGet's verdict on one package per signature defect (nuget-signing-spec.md §4, §5, §6.4, §7).
 * The `verify` column was checked against `dotnet nuget verify --all` (SDK 10.0.401), which
 * __tests__/integration/verify-dotnet-matrix.test.ts re-checks on every run. The `accept` and
 * `nuget.org` columns come from the spec (§6.2, §6.4, §9.2): dotnet has no switch for them.
 */
interface Verdict {
  readonly valid: boolean;
  readonly errors?: readonly string[];
  readonly warnings?: readonly string[];
}

const valid: Verdict = { valid: true };
const fails = (errors: string[], warnings: string[] = []): Verdict => ({
  valid: false,
  errors,
  warnings,
});
const passes = (warnings: string[], errors: string[] = []): Verdict => ({
  valid: true,
  errors,
  warnings,
});

type CaseId = (typeof DEFECT_CASES)[number]['id'];

const EXPECTED: Record<CaseId, Partial<Record<PresetName, Verdict>>> = {
  Good: { verify: valid, accept: valid, 'nuget.org': valid },
  Expired: {
    verify: fails(['NU3037']),
    // allowUntrusted: an expired certificate is only a warning (§6.4).
    accept: passes(['NU3037']),
    'nuget.org': fails(['NU3037']),
  },
  // nuget.org checks certificates at validation time (seed: "within its validity period per current
  // UTC time"): the client keeps the timestamped signature, a new push is refused.
  'Expired.TimestampedInTime': { verify: valid, accept: valid, 'nuget.org': fails(['NU3037']) },
  'Expired.NoTimestamp': {
    verify: fails(['NU3037'], ['NU3027']),
    accept: passes(['NU3027', 'NU3037']),
    'nuget.org': fails(['NU3027', 'NU3037']),
  },
  // Certificate property failures fail the package in every mode, as warnings in accept (§6.4).
  NotYetValid: { verify: fails(['NU3017']), accept: fails([], ['NU3017']) },
  NoCodeSigningEku: { verify: fails(['NU3012']), accept: fails([], ['NU3012']) },
  NoEku: { verify: valid, accept: valid },
  Rsa1024: { verify: fails(['NU3014']), accept: fails([], ['NU3014']) },
  Ecdsa: { verify: fails(['NU3014']), accept: fails([], ['NU3014']) },
  Sha1Signed: { verify: fails(['NU3013']), accept: fails([], ['NU3013']) },
  LifetimeEku: { verify: fails(['NU3015']), accept: fails([], ['NU3015']) },
  UntrustedRoot: {
    verify: fails(['NU3018'], ['NU3042']),
    accept: passes(['NU3018', 'NU3042']),
    'nuget.org': fails(['NU3018'], ['NU3042']),
  },
  // Errors while reading the signature: one code; allowIllegal (accept) makes them warnings.
  NoSigningCertificateV2: { verify: fails(['NU3011']), accept: passes(['NU3011']) },
  SigningCertificateV1: { verify: fails(['NU3011']), accept: passes(['NU3011']) },
  EssHashMismatch: { verify: fails(['NU3011']), accept: passes(['NU3011']) },
  NoSigningTime: { verify: fails(['NU3011']), accept: passes(['NU3011']) },
  // Timestamp failures are errors under verify; accept ignores the timestamp (§5.6).
  ImprintMismatch: {
    verify: fails(['NU3019']),
    accept: passes(['NU3019']),
    'nuget.org': fails(['NU3019']),
  },
  GenTimeOutsideTsaValidity: { verify: fails(['NU3036']), accept: passes(['NU3036']) },
  // An untrusted TSA root is an error-level NU3028 in every mode (§5.4); accept then judges the
  // signature without the timestamp, which is still valid.
  TsaUntrusted: { verify: fails(['NU3028'], ['NU3042']), accept: passes(['NU3042'], ['NU3028']) },
  EmptyTimestampNonce: { verify: fails(['NU3003']), accept: passes(['NU3003']) },
  TwoTimestamps: { verify: valid, accept: valid, 'nuget.org': fails(['NU3000']) },
  NoTimestamp: {
    verify: passes(['NU3027']),
    accept: passes(['NU3027']),
    'nuget.org': fails(['NU3027']),
  },
  RepositoryPrimary: { verify: valid, accept: valid, 'nuget.org': fails(['NU3000']) },
  Countersigned: { verify: valid, accept: valid, 'nuget.org': valid },
  'Countersigned.NoSigningTime': {
    verify: fails(['NU3031']),
    // accept evaluates the countersignature only when the primary needs it (§6.5).
    accept: valid,
    // nuget.org verifies the author signature alone (placement primary).
    'nuget.org': valid,
  },
  // A valid repository countersignature vouches for an untrusted or expired author (§6.5).
  'Countersigned.UntrustedAuthor': {
    verify: passes(['NU3042']),
    'nuget.org': fails(['NU3018'], ['NU3042']),
  },
  'Countersigned.ExpiredAuthor': {
    verify: valid,
    accept: valid,
    'nuget.org': fails(['NU3037']),
  },
  // Integrity is fatal in every mode.
  Tampered: {
    verify: fails(['NU3008']),
    accept: fails(['NU3008']),
    'nuget.org': fails(['NU3008']),
  },
};

function verdictOf(result: PackageVerification): Verdict {
  const codes = (level: string) =>
    [...new Set(result.issues.filter((i) => i.level === level).map((i) => i.code))].sort();
  return { valid: result.valid, errors: codes('error'), warnings: codes('warning') };
}

describe('#verifyPackage on packages signed with one defect', () => {
  const temp = useTempDir();
  let pki: SigningPki;
  const paths = new Map<string, string>();

  beforeAll(async () => {
    pki = await signingPki();
    for (const { id, options } of DEFECT_CASES) {
      paths.set(id, await makeSignedPackage({ directory: temp.path(''), id, pki, ...options }));
    }
  }, 60_000);

  async function subject(id: string, preset: PresetName): Promise<Verdict> {
    const path = paths.get(id);
    if (!path) throw new Error(`no package ${id}`);
    return verdictOf(
      await verifyPackage(path, { policy: PRESETS[preset], now: new Date(), trust: pki.trust }),
    );
  }

  const describeOutcome = (verdict: Verdict) => {
    const { errors = [], warnings = [] } = verdict;
    const codes = [...errors.map((c) => `error ${c}`), ...warnings.map((c) => `warning ${c}`)].join(
      ', ',
    );
    return `${verdict.valid ? 'is valid' : 'is invalid'}${codes ? ` with ${codes}` : ' with no findings'}`;
  };

  for (const { id, situation } of DEFECT_CASES) {
    describe(`when ${situation} (${id})`, () => {
      for (const [preset, expected] of Object.entries(EXPECTED[id] ?? {}) as [
        PresetName,
        Verdict,
      ][]) {
        it(`${describeOutcome(expected)} under the ${preset} policy`, async () => {
          expect(await subject(id, preset)).toEqual({
            errors: [],
            warnings: [],
            ...expected,
          });
        });
      }
    });
  }

  it('has an expectation under the verify policy for every defect case', () => {
    for (const { id } of DEFECT_CASES) expect(EXPECTED[id]?.verify).toBeDefined();
  });
});
