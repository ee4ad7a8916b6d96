import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NupkgSigningError } from '../../../src/errors.js';
import { checkPolicyFile } from '../../../src/policy/signer-policy/check-policy.js';
import { loadPolicyFile } from '../../../src/policy/signer-policy/load-policy.js';
import { createRootCa } from '../../helpers/pki.js';
import { FP, NOW, policyFrom } from '../../helpers/signer-policy-fixtures.js';

const HEX = 'ab'.repeat(32);

function refusal(yaml: string, files: Record<string, Uint8Array> = {}): string {
  try {
    policyFrom(yaml, files);
  } catch (error) {
    expect(error).toBeInstanceOf(NupkgSigningError);
    expect((error as NupkgSigningError).code).toBe('NUPKG005');
    return (error as Error).message;
  }
  throw new Error('the policy file was accepted');
}

const withCertificate = (entry: string): string => `
accounts:
  contoso:
    certificates:
      - ${entry}
packages:
  - id: Contoso.*
    owners: [contoso]
`;

describe('parsePolicy', () => {
  describe('when the file is malformed', () => {
    it.each([
      {
        situation: 'bad YAML',
        yaml: 'accounts:\n  contoso: [\npackages: []\n',
        says: /^policy\.yml:\d+: /m,
      },
      { situation: 'an empty file', yaml: '', says: /the file is empty/ },
      {
        situation: 'an unknown top-level key',
        yaml: 'acounts: {}\naccounts: {}\npackages: []\n',
        says: /^policy\.yml:1: acounts: unknown key \(allowed: version, accounts, packages, unmatchedPackages, trustedRoots, verification\)$/m,
      },
      {
        situation: 'an unknown certificate key',
        yaml: withCertificate(`fingerprnt: ${HEX}`),
        says: /^policy\.yml:5: accounts\.contoso\.certificates\[0\]\.fingerprnt: unknown key \(allowed: fingerprint, file, label, expires, removed\)$/m,
      },
      {
        situation: 'non-hex fingerprint',
        yaml: withCertificate(`fingerprint: ${'zz'.repeat(32)}`),
        says: /^policy\.yml:5: accounts\.contoso\.certificates\[0\]\.fingerprint: must be 64 hex characters .*non-hex/m,
      },
      {
        situation: 'a SHA-1 thumbprint',
        yaml: withCertificate(`fingerprint: ${'ab'.repeat(20)}`),
        says: /fingerprint: must be 64 hex characters \(a SHA-256 fingerprint\); found 40 \(40 looks like a SHA-1 thumbprint/,
      },
      {
        situation: '63 hex digits',
        yaml: withCertificate(`fingerprint: ${HEX.slice(1)}`),
        says: /^policy\.yml:5: accounts\.contoso\.certificates\[0\]\.fingerprint: must be 64 hex characters \(a SHA-256 fingerprint\); found 63$/m,
      },
      {
        situation: 'an all-digit fingerprint of the wrong length',
        yaml: withCertificate(`fingerprint: ${'1'.repeat(63)}`),
        says: /found 63/,
      },
      {
        situation: 'both fingerprint and file',
        yaml: withCertificate(`{ fingerprint: ${HEX}, file: a.cer }`),
        says: /certificates\[0\]: needs exactly one of "fingerprint" or "file"/,
      },
      {
        situation: 'neither fingerprint nor file',
        yaml: withCertificate('{ label: x }'),
        says: /certificates\[0\]: needs exactly one of "fingerprint" or "file"/,
      },
      {
        situation: 'a bad expires note',
        yaml: withCertificate(`{ fingerprint: ${HEX}, expires: next year }`),
        says: /expires: must be a date such as 2026-03-31/,
      },
      {
        situation: 'a certificate listed twice',
        yaml: withCertificate(`fingerprint: ${HEX}\n      - fingerprint: ${HEX.toUpperCase()}`),
        says: /^policy\.yml:6: accounts\.contoso\.certificates\[1\]: certificate ABAB…ABAB is already listed at certificates\[0\]$/m,
      },
      {
        situation: 'a duplicate account',
        yaml: 'accounts:\n  contoso: {}\n  contoso: {}\npackages: []\n',
        says: /^policy\.yml:3: accounts\.contoso: duplicate account \(first at line 2; nuget\.org usernames are case-insensitive\)$/m,
      },
      {
        situation: 'a duplicate account in another case',
        yaml: 'accounts:\n  contoso: {}\n  Contoso: {}\npackages: []\n',
        says: /^policy\.yml:3: accounts\.Contoso: duplicate account/m,
      },
      {
        situation: 'an invalid account name',
        yaml: 'accounts:\n  "contoso inc": {}\npackages: []\n',
        says: /accounts: account names are nuget\.org usernames/,
      },
      {
        situation: 'an identity rule with only an issuer',
        yaml: 'accounts:\n  a:\n    identities:\n      - issuer: CN=Some CA\npackages: []\n',
        says: /^policy\.yml:4: accounts\.a\.identities\[0\]: needs "subject" or "chainsTo"/m,
      },
      {
        situation: 'a bad chainsTo fingerprint',
        yaml: 'accounts:\n  a:\n    identities:\n      - chainsTo: abc\npackages: []\n',
        says: /identities\[0\]\.chainsTo: must be 64 hex characters .*found 3/,
      },
      {
        situation: 'a package rule naming an unknown owner',
        yaml: 'accounts:\n  a: {}\npackages:\n  - id: P\n    owners: [a, b]\n',
        says: /^policy\.yml:5: packages\[0\]\.owners\[1\]: unknown owner "b": declare it under accounts$/m,
      },
      {
        situation: 'a required signer that is not an owner',
        yaml: 'accounts:\n  a: {}\n  b: {}\npackages:\n  - id: P\n    owners: [a]\n    requiredSigner: b\n',
        says: /^policy\.yml:7: packages\[0\]\.requiredSigner: "b" is not an owner of P \(owners: a\); use one of them or "any"$/m,
      },
      {
        situation: 'the same package id twice',
        yaml: 'accounts:\n  a: {}\npackages:\n  - { id: Contoso.*, owners: [a] }\n  - { id: CONTOSO.*, owners: [a] }\n',
        says: /packages\[1\]\.id: "CONTOSO\.\*" already has a rule at packages\[0\]/,
      },
      {
        situation: 'a package rule without owners',
        yaml: 'accounts: {}\npackages:\n  - id: P\n',
        says: /^policy\.yml:3: packages\[0\]: missing required key "owners"$/m,
      },
      {
        situation: 'packages that are not a list',
        yaml: 'accounts: {}\npackages: Contoso.*\n',
        says: /^policy\.yml:2: packages: must be a list$/m,
      },
      {
        situation: 'an invalid package id',
        yaml: 'accounts: { a: {} }\npackages:\n  - { id: "Contoso Core", owners: [a] }\n',
        says: /packages\[0\]\.id: "Contoso Core" is not a package id or glob/,
      },
      {
        situation: 'a missing certificate file',
        yaml: withCertificate('file: certs/missing.cer'),
        says: /^policy\.yml:5: accounts\.contoso\.certificates\[0\]\.file: cannot read certs\/missing\.cer: ENOENT/m,
      },
      {
        situation: 'an unmatchedPackages value other than deny or allow',
        yaml: 'accounts: {}\npackages: []\nunmatchedPackages: warn\n',
        says: /^policy\.yml:3: unmatchedPackages: must be \["deny","allow"\]$/m,
      },
      {
        situation: 'a verification preset that is not a name',
        yaml: 'accounts: {}\npackages: []\nverification: { preset: "" }\n',
        says: /verification\.preset: "" is not a preset name/,
      },
    ])('refuses $situation, naming the place', ({ yaml, says }) => {
      expect(refusal(yaml)).toMatch(says);
    });

    it('lists every problem at once', () => {
      const message = refusal(
        'accounts:\n  a: { certificates: [{ fingerprint: abc }] }\npackages:\n  - { id: P, owners: [zz] }\n',
      );
      expect(message).toMatch(/^policy file policy\.yml has 1 problem|has a problem/);
      const two = refusal(
        `accounts:\n  a: { certificates: [{ fingerprint: abc }], extra: 1 }\npackages: []\n`,
      );
      expect(two).toMatch(/has 2 problems/);
    });
  });

  describe('when certificates are given as files', () => {
    let der: Uint8Array;
    let pem: string;
    let fingerprint: string;

    beforeAll(async () => {
      const ca = await createRootCa({
        subject: 'CN=Contoso Code Signing, O=Contoso',
        notAfter: new Date('2026-02-01T00:00:00Z'),
      });
      der = ca.certificate;
      pem = ca.pem;
      fingerprint = ca.fingerprintSha256;
    });

    it.each([
      { situation: 'a DER .cer', bytes: () => der },
      { situation: 'a PEM file', bytes: () => Buffer.from(pem) },
    ])('computes the fingerprint of $situation and keeps its expiry', ({ bytes }) => {
      const policy = policyFrom(withCertificate('file: certs/contoso.cer'), {
        '/policies/certs/contoso.cer': bytes(),
      });
      const registered = policy.accounts.get('contoso')?.certificates[0];
      expect(registered).toMatchObject({
        fingerprintSha256: fingerprint,
        file: '/policies/certs/contoso.cer',
        removed: false,
        expires: new Date('2026-02-01T00:00:00Z'),
      });
      expect(registered?.label).toMatch(/CN=Contoso Code Signing/);
    });

    it.each([
      {
        situation: 'text that is not a certificate',
        bytes: () => Buffer.from('hello, world'),
        says: /certs\/c\.cer is not a DER certificate \(must start with a SEQUENCE, byte 0x30\)/,
      },
      {
        situation: 'a DER certificate with trailing bytes',
        bytes: () => Buffer.concat([der, Buffer.from([0])]),
        says: /is not a single DER certificate \(outer length \d+ bytes, file \d+ bytes\)/,
      },
      {
        situation: 'a file over 10,000 bytes',
        bytes: () => Buffer.alloc(10_001, 0x30),
        says: /is 10001 bytes; nuget\.org registers certificate files of at most 10000 bytes/,
      },
      {
        situation: 'a SEQUENCE whose first element is not a SEQUENCE',
        bytes: () => Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]),
        says: /first inner element is not a SEQUENCE/,
      },
      {
        situation: 'a PEM file without a certificate',
        bytes: () => Buffer.from('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'),
        says: /PEM file has no CERTIFICATE block/,
      },
    ])('refuses $situation as nuget.org would', ({ bytes, says }) => {
      expect(
        refusal(withCertificate('file: certs/c.cer'), { '/policies/certs/c.cer': bytes() }),
      ).toMatch(says);
    });
  });

  describe('when the file is valid', () => {
    it.each([
      { situation: 'lowercase with colons', written: HEX.match(/../g)?.join(':') ?? '' },
      {
        situation: 'uppercase with spaces',
        written: `"${HEX.toUpperCase().match(/../g)?.join(' ') ?? ''}"`,
      },
      { situation: 'plain', written: HEX },
    ])('normalizes a fingerprint written $situation', ({ written }) => {
      const policy = policyFrom(withCertificate(`fingerprint: ${written}`));
      expect(policy.accounts.get('contoso')?.certificates[0]?.fingerprintSha256).toBe(
        HEX.toUpperCase(),
      );
    });

    it('resolves owners and the required signer case-insensitively to the declared account names', () => {
      const policy = policyFrom(
        'accounts:\n  Contoso: {}\n  fabrikam: {}\npackages:\n  - { id: P, owners: [contoso, FABRIKAM], requiredSigner: Fabrikam }\n  - { id: Q, owners: [contoso], requiredSigner: ANY }\n',
      );
      expect(policy.packages).toEqual([
        expect.objectContaining({
          id: 'P',
          owners: ['Contoso', 'fabrikam'],
          requiredSigner: 'fabrikam',
          where: 'policy.yml:5',
        }),
        expect.objectContaining({ id: 'Q', requiredSigner: 'any' }),
      ]);
    });

    it.each([
      { situation: 'absent', line: '', expected: 'deny' },
      { situation: 'deny', line: 'unmatchedPackages: deny\n', expected: 'deny' },
      { situation: 'allow', line: 'unmatchedPackages: allow\n', expected: 'allow' },
    ])('reads unmatchedPackages $situation as $expected', ({ line, expected }) => {
      expect(policyFrom(`accounts: {}\npackages: []\n${line}`).unmatchedPackages).toBe(expected);
    });

    it('exposes trusted roots (resolved against the file) and the verification preset', () => {
      const policy = policyFrom(
        'accounts: {}\npackages: []\ntrustedRoots: [roots/codesign.pem]\nverification: { preset: nuget.org }\n',
      );
      expect(policy.trustedRoots).toEqual(['/policies/roots/codesign.pem']);
      expect(policy.verification).toEqual({ preset: 'nuget.org' });
    });

    it('warns when one certificate is registered to two accounts, as nuget.org allows', () => {
      const policy = policyFrom(
        `accounts:\n  a: { certificates: [{ fingerprint: ${HEX} }] }\n  b: { certificates: [{ fingerprint: ${HEX} }] }\npackages: []\n`,
      );
      expect(policy.loadWarnings).toEqual([
        expect.objectContaining({
          code: 'NUPKG005',
          level: 'warning',
          message: expect.stringMatching(/ABAB…ABAB is registered to a and b/),
        }),
      ]);
    });
  });
});

describe('loadPolicyFile', () => {
  it('loads examples/policy.yml', () => {
    const policy = loadPolicyFile('examples/policy.yml');
    expect([...policy.accounts.keys()]).toEqual(['jamesnk', 'newtonsoft']);
    expect(policy.verification).toEqual({ preset: 'nuget.org' });
  });

  it('reads certificate files relative to the policy file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const ca = await createRootCa();
    writeFileSync(join(dir, 'signer.cer'), ca.certificate);
    writeFileSync(join(dir, 'policy.yml'), withCertificate('file: signer.cer'));
    const policy = loadPolicyFile(join(dir, 'policy.yml'));
    expect(policy.accounts.get('contoso')?.certificates[0]?.fingerprintSha256).toBe(
      ca.fingerprintSha256,
    );
  });

  it('refuses a missing file with NUPKG005', () => {
    expect(() => loadPolicyFile('does-not-exist.yml')).toThrow(
      expect.objectContaining({
        code: 'NUPKG005',
        message: expect.stringMatching(/cannot read policy file does-not-exist\.yml/),
      }),
    );
  });
});

describe('checkPolicyFile', () => {
  const subject = policyFrom(`
accounts:
  contoso:
    certificates:
      - { fingerprint: ${FP.contoso}, label: soon, expires: 2026-02-01 }
      - { fingerprint: ${FP.contoso2}, label: later, expires: 2026-06-01 }
      - { fingerprint: ${FP.contosoRemoved}, expires: 2026-01-20, removed: true }
      - { fingerprint: ${FP.shared}, label: old, expires: 2025-12-01 }
      - { fingerprint: ${FP.fabrikam} }
packages:
  - { id: Contoso.*, owners: [contoso] }
  - { id: Contoso.Typo, owners: [contoso] }
  - { id: Fabrikam.?ore, owners: [contoso] }
`);

  describe('when package ids are supplied', () => {
    it.each([
      {
        situation: 'every rule matches a package',
        ids: ['Contoso.Core', 'contoso.typo', 'Fabrikam.Core'],
        unmatched: [],
      },
      {
        situation: 'an exact id matches nothing',
        ids: ['Contoso.Core', 'Fabrikam.Core'],
        unmatched: [
          /^policy\.yml:12: packages id "Contoso\.Typo" matches no package \(found: Contoso\.Core, Fabrikam\.Core\)/,
        ],
      },
      {
        situation: 'a glob matches nothing',
        ids: ['Contoso.Typo'],
        unmatched: [/^policy\.yml:13: packages id "Fabrikam\.\?ore" matches no package/],
      },
      {
        situation: 'no packages were found',
        ids: [],
        unmatched: [
          /"Contoso\.\*" matches no package \(no packages were found\)/,
          /Contoso\.Typo/,
          /Fabrikam/,
        ],
      },
    ])('$situation → $unmatched.length errors', ({ ids, unmatched }) => {
      const errors = checkPolicyFile(subject, NOW, ids).filter((i) => i.level === 'error');
      expect(errors.map((e) => e.message)).toEqual(unmatched.map((m) => expect.stringMatching(m)));
      expect(errors.every((e) => e.code === 'NUPKG005')).toBe(true);
    });

    it('reports each package no rule covers once, with the rule to add (NUPKG007)', () => {
      const errors = checkPolicyFile(subject, NOW, [
        'Contoso.Core',
        'Other.Pkg',
        'other.pkg',
      ]).filter((i) => i.code === 'NUPKG007' && i.level === 'error');
      expect(errors).toEqual([
        expect.objectContaining({
          level: 'error',
          message: expect.stringMatching(
            /^Other\.Pkg: no rule in policy\.yml .* such as: - \{ id: Other\.Pkg, owners: \[OWNER\] \}/,
          ),
        }),
      ]);
    });

    it('reports no uncovered package when the policy allows them', () => {
      const allowing = policyFrom('accounts: {}\npackages: []\nunmatchedPackages: allow\n');
      expect(checkPolicyFile(allowing, NOW, ['Other.Pkg'])).toEqual([]);
    });

    it('does not check rules when no ids are supplied', () => {
      expect(checkPolicyFile(subject, NOW).filter((i) => i.level === 'error')).toEqual([]);
    });
  });

  it('warns about registered certificates that expired or expire within 30 days, not removed or distant ones', () => {
    const warnings = checkPolicyFile(subject, NOW).map((i) => `${i.level} ${i.message}`);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^warning policy\.yml:5: certificate AAAA…AAAA "soon" registered to contoso expires on 2026-02-01 \(in 17 days\)/,
      ),
      expect.stringMatching(
        /^warning policy\.yml:8: certificate 5555…5555 "old" registered to contoso expired on 2025-12-01/,
      ),
    ]);
  });

  it('warns about a certificate file expiring soon', async () => {
    const ca = await createRootCa();
    const leaf = await ca.issueLeaf({ notAfter: new Date('2026-01-30T00:00:00Z') });
    const policy = policyFrom(withCertificate('file: c.cer'), {
      '/policies/c.cer': leaf.certificate,
    });
    expect(checkPolicyFile(policy, NOW)).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(/expires on 2026-01-30 \(in 15 days\)/),
      }),
    ]);
  });
});
