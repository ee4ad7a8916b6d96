import { evaluateSignerPolicy } from '../../../src/policy/signer-policy/evaluate.js';
import {
  author,
  certificate,
  facts,
  FP,
  NOW,
  policyFrom,
  SEED_POLICY_YAML,
  type Signed,
} from '../../helpers/signer-policy-fixtures.js';

const subject = policyFrom(SEED_POLICY_YAML);

interface Row {
  readonly situation: string;
  readonly id: string;
  readonly signed: Signed;
  readonly accepted: boolean;
  readonly code?: string;
  readonly says?: RegExp;
}

const repository = (fingerprint: string): Signed => ({
  kind: 'repository',
  certificate: certificate(fingerprint),
});

/**
 * Each block quotes the seed sentence (register-certificates.md / signed-packages.md) or spec rule
 * (nuget-signing-spec.md §9.1/§9.2) it checks, with accept and reject rows.
 */
const rows: Record<string, Row[]> = {
  'Once a user has a certificate registered, all future package submissions must be signed with one of the certificates':
    [
      {
        situation: 'signed with the registered certificate',
        id: 'Sole.Contoso',
        signed: author(FP.contoso),
        accepted: true,
      },
      {
        situation: 'unsigned',
        id: 'Sole.Contoso',
        signed: 'unsigned',
        accepted: false,
        code: 'NU3004',
        says: /sole owner contoso has a registered certificate/,
      },
      {
        situation: 'signed with an unregistered certificate',
        id: 'Sole.Contoso',
        signed: author(FP.unregistered),
        accepted: false,
        code: 'NU3034',
        says: /it is not registered to contoso \(policy rule/,
      },
    ],
  'If you are the sole owner of a package, you are the required signer: any of the registered certificates':
    [
      {
        situation: 'signed with the first certificate',
        id: 'Sole.Contoso',
        signed: author(FP.contoso),
        accepted: true,
      },
      {
        situation: 'signed with the second certificate',
        id: 'Sole.Contoso',
        signed: author(FP.contoso2),
        accepted: true,
      },
      {
        situation: 'signed with a certificate of a non-owner',
        id: 'Sole.Contoso',
        signed: author(FP.fabrikam),
        accepted: false,
        code: 'NU3034',
        says: /registered to fabrikam, which is not an owner/,
      },
    ],
  'With multiple owners, by default "Any" owner\'s certificates can be used': [
    {
      situation: 'signed by the first owner',
      id: 'Any.Both',
      signed: author(FP.contoso),
      accepted: true,
    },
    {
      situation: 'signed by the second owner',
      id: 'Any.Both',
      signed: author(FP.fabrikam),
      accepted: true,
    },
    {
      situation: 'signed by nobody registered',
      id: 'Any.Both',
      signed: author(FP.unregistered),
      accepted: false,
      code: 'NU3034',
    },
    {
      situation: 'unsigned while every owner has a certificate',
      id: 'Any.Both',
      signed: 'unsigned',
      accepted: false,
      code: 'NU3004',
      says: /every owner \(contoso, fabrikam\)/,
    },
  ],
  'A co-owner can override "Any" with one owner as the required signer': [
    {
      situation: 'signed by the required signer',
      id: 'Req.Fabrikam',
      signed: author(FP.fabrikam),
      accepted: true,
    },
    {
      situation: 'signed by another owner',
      id: 'Req.Fabrikam',
      signed: author(FP.contoso),
      accepted: false,
      code: 'NU3034',
      says: /registered to contoso while the required signer is fabrikam/,
    },
    {
      situation: 'unsigned',
      id: 'Req.Fabrikam',
      signed: 'unsigned',
      accepted: false,
      code: 'NU3004',
      says: /required signer fabrikam has a registered certificate/,
    },
  ],
  'If you make an owner who does not have any certificate registered the required signer, unsigned packages will be allowed (and signing is not allowed, §9.1)':
    [
      { situation: 'unsigned', id: 'Req.NoCert', signed: 'unsigned', accepted: true },
      {
        situation: "signed with another owner's registered certificate",
        id: 'Req.NoCert',
        signed: author(FP.contoso),
        accepted: false,
        code: 'NU3034',
        says: /the required signer nocert has no registered certificate/,
      },
    ],
  '"Any" with one owner with and one without certificates accepts a signed package registered to an owner, or an unsigned package':
    [
      {
        situation: 'signed by the owner with a certificate',
        id: 'Any.OneWithout',
        signed: author(FP.contoso),
        accepted: true,
      },
      { situation: 'unsigned', id: 'Any.OneWithout', signed: 'unsigned', accepted: true },
      {
        situation: 'signed with an unregistered certificate',
        id: 'Any.OneWithout',
        signed: author(FP.unregistered),
        accepted: false,
        code: 'NU3034',
      },
    ],
  'Once a certificate is removed, packages signed with it fail at submission': [
    {
      situation: 'signed with the removed certificate',
      id: 'Sole.Contoso',
      signed: author(FP.contosoRemoved),
      accepted: false,
      code: 'NU3034',
      says: /removed from contoso .*policy\.yml:\d+/,
    },
    {
      situation: 'signed with a still registered certificate',
      id: 'Sole.Contoso',
      signed: author(FP.contoso),
      accepted: true,
    },
  ],
  'One user can submit multiple certificates and the same certificate can be registered by multiple users':
    [
      {
        situation: "shared certificate, first account's package",
        id: 'Sole.Contoso',
        signed: author(FP.shared),
        accepted: true,
      },
      {
        situation: 'shared certificate, second account as required signer',
        id: 'Req.Fabrikam',
        signed: author(FP.shared),
        accepted: true,
      },
    ],
  'Signed upload is rejected when no owner has a registered certificate (§9.1); a removed certificate no longer counts':
    [
      {
        situation: 'signed, no owner has a certificate',
        id: 'Any.NoneWith',
        signed: author(FP.contoso),
        accepted: false,
        code: 'NU3034',
        says: /no owner has a registered certificate/,
      },
      {
        situation: 'signed with the only, removed, certificate',
        id: 'Any.NoneWith',
        signed: author(FP.onlyRemoved),
        accepted: false,
        code: 'NU3034',
      },
      { situation: 'unsigned', id: 'Any.NoneWith', signed: 'unsigned', accepted: true },
      {
        situation: 'sole owner without certificates, signed',
        id: 'Sole.NoCert',
        signed: author(FP.contoso),
        accepted: false,
        code: 'NU3034',
      },
      {
        situation: 'sole owner without certificates, unsigned',
        id: 'Sole.NoCert',
        signed: 'unsigned',
        accepted: true,
      },
    ],
  'To exclude a package from signing, add a co-owner with no certificates and allow "Any" or that account':
    [
      {
        situation: '"Any" with a certificate-less co-owner, unsigned',
        id: 'Any.OneWithout',
        signed: 'unsigned',
        accepted: true,
      },
      {
        situation: 'certificate-less co-owner as required signer, unsigned',
        id: 'Req.NoCert',
        signed: 'unsigned',
        accepted: true,
      },
      {
        situation: 'no certificate-less co-owner, unsigned',
        id: 'Any.Both',
        signed: 'unsigned',
        accepted: false,
        code: 'NU3004',
      },
    ],
  'Repository-only signed package with signing required is rejected (§9.2 3d)': [
    {
      situation: 'repository signed, signing required',
      id: 'Sole.Contoso',
      signed: repository(FP.contoso),
      accepted: false,
      code: 'NU3004',
      says: /only a repository signature/,
    },
    {
      situation: 'repository signed, signing not required',
      id: 'Any.OneWithout',
      signed: repository(FP.unregistered),
      accepted: true,
    },
  ],
  'The primary signature must be an author or repository signature (§9.2 3e)': [
    {
      situation: 'unknown signature type',
      id: 'Any.OneWithout',
      signed: { kind: 'unknown', certificate: certificate(FP.contoso) },
      accepted: false,
      code: 'NU3000',
    },
  ],
  'Identity rules count as registrations and survive certificate rotation': [
    {
      situation: 'matching subject and intermediate',
      id: 'Sole.Rotating',
      signed: author(FP.rotatingLeaf, { subject: 'CN=Rotating Signer 2026,O=Test' }),
      accepted: true,
    },
    {
      situation: 'matching subject, other intermediate',
      id: 'Sole.Rotating',
      signed: author(FP.rotatingLeaf, {
        subject: 'CN=Rotating Signer 2026, O=Test',
        chainFingerprintsSha256: [FP.rotatingLeaf, FP.otherIntermediate],
      }),
      accepted: false,
      code: 'NU3034',
    },
    {
      situation: 'other subject, matching intermediate',
      id: 'Sole.Rotating',
      signed: author(FP.rotatingLeaf, { subject: 'CN=Someone Else' }),
      accepted: false,
      code: 'NU3034',
    },
    {
      situation: 'unsigned (the identity counts as a registered certificate)',
      id: 'Sole.Rotating',
      signed: 'unsigned',
      accepted: false,
      code: 'NU3004',
    },
  ],
  'Package ids match case-insensitively; an exact id wins over a glob': [
    {
      situation: 'glob match in another case',
      id: 'contoso.core',
      signed: author(FP.contoso),
      accepted: true,
    },
    {
      situation: 'exact rule overrides the glob (fabrikam signs)',
      id: 'Contoso.Special',
      signed: author(FP.fabrikam),
      accepted: true,
    },
    {
      situation: 'exact rule overrides the glob (contoso may not sign)',
      id: 'CONTOSO.SPECIAL',
      signed: author(FP.contoso),
      accepted: false,
      code: 'NU3034',
    },
  ],
};

describe('evaluateSignerPolicy', () => {
  describe.each(Object.entries(rows))('%s', (_rule, table) => {
    it.each(table)(
      '$id $situation → accepted $accepted',
      ({ id, signed, accepted, code, says }) => {
        const decision = evaluateSignerPolicy(subject, facts(id, signed), NOW);
        expect(decision.accepted).toBe(accepted);
        const errors = decision.issues.filter((i) => i.level === 'error');
        if (accepted) expect(errors).toEqual([]);
        else {
          expect(errors.map((e) => e.code)).toEqual([code]);
          expect(errors[0]?.message).toMatch(/policy rule ".*" at policy\.yml:\d+/);
        }
        if (says) expect(errors[0]?.message ?? '').toMatch(says);
        expect(decision.rule).not.toBe('');
      },
    );
  });

  describe('when a package matches a rule', () => {
    it('explains the decision in one line', () => {
      const decision = evaluateSignerPolicy(subject, facts('Any.Both', author(FP.contoso)), NOW);
      expect(decision.rule).toBe(
        'signed by AAAA…AAAA, registered to contoso, required signer: any owner',
      );
    });

    it('tells how to fix an unregistered signer', () => {
      const decision = evaluateSignerPolicy(
        subject,
        facts('Sole.Contoso', author(FP.unregistered)),
        NOW,
      );
      expect(decision.issues[0]?.message).toMatch(/Register new certificate/);
      expect(decision.issues[0]?.message).toMatch(
        /Sign with a certificate registered to contoso \(AAAA…AAAA "release"/,
      );
    });
  });

  describe('when no rule matches the package id', () => {
    it('accepts with an info issue and no decision', () => {
      // The notice-only behaviour is now opt-in: the default refuses packages without a rule.
      const allowing = policyFrom(`${SEED_POLICY_YAML}unmatchedPackages: allow\n`);
      const decision = evaluateSignerPolicy(
        allowing,
        facts('Unrelated.Package', author(FP.unregistered)),
        NOW,
      );
      expect(decision).toEqual({
        accepted: true,
        rule: 'no policy for this package',
        issues: [expect.objectContaining({ level: 'info' })],
      });
    });
  });

  describe('when no rule matches the package id and unmatched packages are denied (the default)', () => {
    const suggestedRule = (message: string): string =>
      /such as: (- \{ id: [^}]+\})/.exec(message)?.[1] ?? 'no rule in the message';

    it.each([
      { situation: 'unsigned', signed: 'unsigned' as Signed, owner: 'OWNER' },
      {
        situation: 'signed by a certificate no account registered',
        signed: author(FP.unregistered),
        owner: 'OWNER',
      },
      {
        situation: 'signed by a certificate registered to contoso',
        signed: author(FP.contoso),
        owner: 'contoso',
      },
    ])('refuses a package $situation, naming it and the rule to add', ({ signed, owner }) => {
      const decision = evaluateSignerPolicy(subject, facts('Unrelated.Package', signed), NOW);
      expect(decision.accepted).toBe(false);
      expect(decision.issues).toEqual([
        expect.objectContaining({ code: 'NUPKG007', level: 'error' }),
      ]);
      const message = decision.issues[0]?.message ?? '';
      expect(message).toMatch(
        /^Unrelated\.Package: no rule in policy\.yml matches this package id/,
      );
      expect(message).toMatch(/unmatchedPackages: deny, the default/);
      expect(suggestedRule(message)).toBe(`- { id: Unrelated.Package, owners: [${owner}] }`);
      expect(message).toMatch(/set "unmatchedPackages: allow"/);
    });

    it('suggests a rule that, added under packages, covers the package', () => {
      const signed = author(FP.contoso);
      const before = evaluateSignerPolicy(subject, facts('Unrelated.Package', signed), NOW);
      const rule = suggestedRule(before.issues[0]?.message ?? '');
      const fixed = policyFrom(`${SEED_POLICY_YAML}  ${rule}\n`);
      const after = evaluateSignerPolicy(fixed, facts('Unrelated.Package', signed), NOW);
      expect(after).toMatchObject({ accepted: true, issues: [] });
      expect(after.rule).toMatch(/registered to contoso/);
    });

    it('quotes a package id that is not plain YAML in the suggested rule', () => {
      const decision = evaluateSignerPolicy(subject, facts('odd: id', 'unsigned'), NOW);
      expect(decision.issues[0]?.message).toMatch(
        /such as: - \{ id: "odd: id", owners: \[OWNER\] \}/,
      );
    });
  });

  describe('when the matching registered certificate is close to expiry', () => {
    it.each([
      {
        situation: 'expires in 10 days',
        notAfter: new Date('2026-01-25T00:00:00Z'),
        warns: /expires on 2026-01-25 \(in 10 days\)/,
      },
      {
        situation: 'expires in exactly 30 days',
        notAfter: new Date('2026-02-14T00:00:00Z'),
        warns: /in 30 days/,
      },
      {
        situation: 'already expired',
        notAfter: new Date('2026-01-01T00:00:00Z'),
        warns: /expired on 2026-01-01/,
      },
      {
        situation: 'expires in 60 days',
        notAfter: new Date('2026-03-16T00:00:00Z'),
        warns: undefined,
      },
    ])('$situation → warning $warns', ({ notAfter, warns }) => {
      const decision = evaluateSignerPolicy(
        subject,
        facts('Sole.Contoso', author(FP.contoso, { notAfter })),
        NOW,
      );
      expect(decision.accepted).toBe(true);
      const warnings = decision.issues.filter((i) => i.level === 'warning');
      if (warns) expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(warns)]);
      else expect(warnings).toEqual([]);
    });

    it('uses an earlier `expires:` note over the certificate notAfter', () => {
      const policy = policyFrom(`
accounts:
  a: { certificates: [{ fingerprint: ${FP.contoso}, expires: 2026-01-20 }] }
packages:
  - { id: P, owners: [a] }
`);
      const decision = evaluateSignerPolicy(policy, facts('P', author(FP.contoso)), NOW);
      expect(decision.issues).toEqual([
        expect.objectContaining({
          level: 'warning',
          message: expect.stringMatching(/2026-01-20 \(in 5 days\)/),
        }),
      ]);
    });
  });
});
