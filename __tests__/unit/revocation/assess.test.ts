import { parseCertificate, type CertificateView } from '../../../src/signature/certificate.js';
import { assessRevocation } from '../../../src/revocation/assess.js';
import { resolveRevocationMode } from '../../../src/revocation/mode.js';
import type {
  RevocationChecker,
  RevocationMode,
  RevocationStatus,
} from '../../../src/revocation/types.js';
import { createRootCa, type TestCa, type TestCertificate } from '../../helpers/pki.js';

const TIMESTAMP = {
  genTime: new Date('2025-01-01T00:00:00Z'),
  upper: new Date('2025-01-01T00:00:01Z'),
};
const BEFORE = new Date('2024-06-01T00:00:00Z');
const AFTER = new Date('2025-06-01T00:00:00Z');
const VERIFY = { allowUnknownRevocation: true, reportUnknownRevocation: true };
const NUGET_ORG = { ...VERIFY, revocationTimeCheck: 'nuget.org' as const };

let root: TestCa;
let intermediate: TestCa;
let leaf: TestCertificate;
let chain: CertificateView[];

beforeAll(async () => {
  root = await createRootCa({ subject: 'CN=Assess Root' });
  intermediate = await root.issueIntermediate({ subject: 'CN=Assess Intermediate' });
  leaf = await intermediate.issueLeaf({ subject: 'CN=Assess Leaf' });
  chain = [leaf.certificate, intermediate.certificate, root.certificate].map(parseCertificate);
});

/** A checker answering from a table: leaf status, intermediate status. */
function fakeChecker(
  statuses: [RevocationStatus, RevocationStatus],
  mode: RevocationMode = 'online',
): RevocationChecker {
  return {
    mode,
    check: async (certificates) => ({
      certificates: certificates
        .slice(0, 2)
        .map((certificate, i) => ({ certificate, revocation: statuses[i] as RevocationStatus })),
    }),
  };
}

const good: RevocationStatus = { status: 'good', source: 'ocsp' };
const revokedAt = (at: Date): RevocationStatus => ({
  status: 'revoked',
  source: 'ocsp',
  revokedAt: at,
  reason: 'keyCompromise',
});
const unknown: RevocationStatus = { status: 'unknown', why: 'responder down' };
const levels = (issues: readonly { code: string; level: string }[]) =>
  issues.map((i) => `${i.level} ${i.code}`);

describe('#assessRevocation', () => {
  describe('when every certificate is good', () => {
    it('reports nothing', async () => {
      const subject = await assessRevocation(fakeChecker([good, good]), chain, {
        purpose: 'signing',
        policy: VERIFY,
        timestamp: TIMESTAMP,
      });
      expect(subject).toMatchObject({ issues: [], revoked: false, unknownNotAllowed: false });
    });
  });

  describe('when the signing certificate was revoked before the timestamp', () => {
    it.each([
      ['client', VERIFY],
      ['nuget.org', NUGET_ORG],
    ])('is fatal NU3012 under the %s time check', async (_name, policy) => {
      const subject = await assessRevocation(fakeChecker([revokedAt(BEFORE), good]), chain, {
        purpose: 'signing',
        policy,
        timestamp: TIMESTAMP,
      });
      expect(subject.revoked).toBe(true);
      expect(levels(subject.issues)).toEqual(['error NU3012']);
      expect(subject.issues[0]!.message).toMatch(
        /'Assess Leaf' was revoked on 2024-06-01T00:00:00.000Z \(OCSP, reason keyCompromise\)/,
      );
    });
  });

  describe('when the signing certificate was revoked after the timestamp', () => {
    it('is fatal NU3012 under the client time check (dotnet nuget verify)', async () => {
      const subject = await assessRevocation(fakeChecker([revokedAt(AFTER), good]), chain, {
        purpose: 'signing',
        policy: VERIFY,
        timestamp: TIMESTAMP,
      });
      expect(subject.revoked).toBe(true);
      expect(levels(subject.issues)).toEqual(['error NU3012']);
    });

    it('is kept with a warning under the nuget.org time check', async () => {
      const subject = await assessRevocation(fakeChecker([revokedAt(AFTER), good]), chain, {
        purpose: 'signing',
        policy: NUGET_ORG,
        timestamp: TIMESTAMP,
      });
      expect(subject.revoked).toBe(false);
      expect(levels(subject.issues)).toEqual(['warning NU3012']);
      expect(subject.issues[0]!.message).toMatch(/nuget.org keeps such signatures/);
    });

    it('is fatal under the nuget.org time check when there is no valid timestamp', async () => {
      const subject = await assessRevocation(fakeChecker([revokedAt(AFTER), good]), chain, {
        purpose: 'signing',
        policy: NUGET_ORG,
      });
      expect(subject.revoked).toBe(true);
    });

    it('is fatal under the nuget.org time check when an issuing CA was revoked', async () => {
      const subject = await assessRevocation(fakeChecker([good, revokedAt(AFTER)]), chain, {
        purpose: 'signing',
        policy: NUGET_ORG,
        timestamp: TIMESTAMP,
      });
      expect(subject.revoked).toBe(true);
      expect(subject.issues[0]!.message).toMatch(/'Assess Intermediate' \(issuer in the chain\)/);
    });
  });

  describe('when a TSA certificate was revoked', () => {
    it('is fatal NU3028', async () => {
      const subject = await assessRevocation(fakeChecker([revokedAt(BEFORE), good]), chain, {
        purpose: 'timestamping',
        policy: VERIFY,
        timestamp: TIMESTAMP,
      });
      expect(levels(subject.issues)).toEqual(['error NU3028']);
    });
  });

  describe('when a status is unknown', () => {
    it('is an NU3018 warning online with allowUnknownRevocation, naming why', async () => {
      const subject = await assessRevocation(fakeChecker([good, unknown]), chain, {
        purpose: 'signing',
        policy: VERIFY,
      });
      expect(subject.unknownNotAllowed).toBe(false);
      expect(levels(subject.issues)).toEqual(['warning NU3018']);
      expect(subject.issues[0]!.message).toMatch(/'Assess Intermediate'.*: responder down\./);
    });

    it('is an NU3028 warning for a TSA chain', async () => {
      const subject = await assessRevocation(fakeChecker([unknown, good]), chain, {
        purpose: 'timestamping',
        policy: VERIFY,
      });
      expect(levels(subject.issues)).toEqual(['warning NU3028']);
    });

    it('is an error that invalidates without allowUnknownRevocation', async () => {
      const subject = await assessRevocation(fakeChecker([unknown, good]), chain, {
        purpose: 'signing',
        policy: { allowUnknownRevocation: false, reportUnknownRevocation: true },
      });
      expect(subject.unknownNotAllowed).toBe(true);
      expect(levels(subject.issues)).toEqual(['error NU3018']);
    });

    it('is information mentioning NUGET_CERT_REVOCATION_MODE in offline mode', async () => {
      const subject = await assessRevocation(fakeChecker([unknown, unknown], 'offline'), chain, {
        purpose: 'signing',
        policy: VERIFY,
      });
      expect(levels(subject.issues)).toEqual(['info NU3018']);
      expect(subject.issues[0]!.message).toMatch(/NUGET_CERT_REVOCATION_MODE=offline/);
    });

    it('is not reported without reportUnknownRevocation (accept), and still allowed', async () => {
      const subject = await assessRevocation(fakeChecker([unknown, unknown]), chain, {
        purpose: 'signing',
        policy: { allowUnknownRevocation: true, reportUnknownRevocation: false },
      });
      expect(subject).toMatchObject({ issues: [], revoked: false, unknownNotAllowed: false });
    });
  });
});

describe('#resolveRevocationMode', () => {
  it.each([
    [undefined, {}, 'online'],
    [undefined, { NUGET_CERT_REVOCATION_MODE: 'OFFLINE' }, 'offline'],
    [undefined, { NUGET_CERT_REVOCATION_MODE: 'bogus' }, 'online'],
    ['files', { NUGET_CERT_REVOCATION_MODE: 'offline' }, 'files'],
    ['Online', {}, 'online'],
  ])('given %p and %j resolves %s', (requested, environment, expected) => {
    expect(resolveRevocationMode(requested, environment)).toBe(expected);
  });

  it('refuses an unknown mode with NUPKG003', () => {
    expect(() => resolveRevocationMode('sometimes', {})).toThrow(
      expect.objectContaining({ code: 'NUPKG003' }),
    );
  });
});
