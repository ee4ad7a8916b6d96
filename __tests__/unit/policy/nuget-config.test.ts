import { createHash } from 'node:crypto';
import { NupkgSigningError } from '../../../src/errors.js';
import {
  allowUntrustedRootFor,
  checkTrustedSigners,
  isUntrustedRootAllowed,
  parseNuGetConfig,
  type NuGetSigningConfig,
} from '../../../src/policy/nuget-config.js';
import type { SignatureFacts } from '../../../src/policy/signer-policy/facts.js';
import { certificate, FP } from '../../helpers/signer-policy-fixtures.js';

const AUTHOR = FP.contoso;
const REPO = FP.fabrikam;

const config = (body: string, mode = ''): string => `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config>${mode ? `<add key="signatureValidationMode" value="${mode}" />` : ''}</config>
  <trustedSigners>
${body}
  </trustedSigners>
</configuration>`;

const cert = (fingerprint: string, algorithm = 'SHA256', allowUntrustedRoot = 'false'): string =>
  `<certificate fingerprint="${fingerprint}" hashAlgorithm="${algorithm}" allowUntrustedRoot="${allowUntrustedRoot}" />`;

const parse = (xml: string): NuGetSigningConfig => parseNuGetConfig(xml, 'nuget.config');

function refusal(xml: string): string {
  try {
    parse(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(NupkgSigningError);
    expect((error as NupkgSigningError).code).toBe('NUPKG005');
    return (error as Error).message;
  }
  throw new Error('accepted');
}

const authorSigned = (
  fingerprint = AUTHOR,
  extra: Partial<SignatureFacts> = {},
): SignatureFacts => ({
  packageId: 'P',
  primary: { kind: 'author', certificate: certificate(fingerprint), valid: true },
  ...extra,
});
const repoSigned = (fingerprint = REPO, owners: string[] = ['contoso']): SignatureFacts => ({
  packageId: 'P',
  primary: { kind: 'repository', certificate: certificate(fingerprint), owners, valid: true },
});
const countersigned = (owners: string[] = ['contoso']): SignatureFacts =>
  authorSigned(FP.unregistered, {
    repositoryCountersignature: { certificate: certificate(REPO), owners, valid: true },
  });

describe('parseNuGetConfig', () => {
  describe('signatureValidationMode', () => {
    it.each([
      { value: 'require', mode: 'require' },
      { value: 'REQUIRE', mode: 'require' },
      { value: ' Require ', mode: 'require' },
      { value: '1', mode: 'require' },
      { value: 'accept', mode: 'accept' },
      { value: 'strict', mode: 'accept' },
      { value: '', mode: 'accept' },
    ])('reads "$value" as $mode', ({ value, mode }) => {
      expect(parse(config('', value)).signatureValidationMode).toBe(mode);
    });

    it('matches the key case-insensitively and honours <clear />', () => {
      const xml =
        '<configuration><config><add key="SignatureValidationMode" value="require"/></config></configuration>';
      expect(parse(xml).signatureValidationMode).toBe('require');
      const cleared =
        '<configuration><config><add key="signatureValidationMode" value="require"/><clear/></config></configuration>';
      expect(parse(cleared).signatureValidationMode).toBe('accept');
    });
  });

  describe('trustedSigners items', () => {
    it('reads author and repository items with owners split on ";" and trimmed', () => {
      const parsed = parse(
        config(`<author name="contoso">${cert(AUTHOR)}</author>
<repository name="nuget.org" serviceIndex="https://api.nuget.org/v3/index.json">${cert(REPO, 'sha256', 'True')}<owners> contoso ; fabrikam;Other </owners></repository>`),
      );
      expect(parsed.trustedSigners).toEqual([
        expect.objectContaining({
          kind: 'author',
          name: 'contoso',
          owners: [],
          certificates: [
            expect.objectContaining({
              fingerprint: AUTHOR,
              hashAlgorithm: 'SHA256',
              allowUntrustedRoot: false,
            }),
          ],
        }),
        expect.objectContaining({
          kind: 'repository',
          serviceIndex: 'https://api.nuget.org/v3/index.json',
          owners: ['contoso', 'fabrikam', 'Other'],
          certificates: [
            expect.objectContaining({ hashAlgorithm: 'SHA256', allowUntrustedRoot: true }),
          ],
        }),
      ]);
    });

    it.each([
      { value: 'SHA384', algorithm: 'SHA384' },
      { value: 'sha512', algorithm: 'SHA512' },
    ])('accepts hashAlgorithm $value', ({ value, algorithm }) => {
      expect(
        parse(config(`<author name="a">${cert(AUTHOR, value)}</author>`)).trustedSigners[0]
          ?.certificates[0]?.hashAlgorithm,
      ).toBe(algorithm);
    });

    it.each([
      { value: 'yes', parsed: false },
      { value: 'TRUE', parsed: true },
      { value: 'false', parsed: false },
    ])(
      'reads allowUntrustedRoot="$value" as $parsed (bool.TryParse, invalid → false)',
      ({ value, parsed }) => {
        expect(
          parse(config(`<author name="a">${cert(AUTHOR, 'SHA256', value)}</author>`))
            .trustedSigners[0]?.certificates[0]?.allowUntrustedRoot,
        ).toBe(parsed);
      },
    );

    it.each([
      {
        situation: 'an unknown hashAlgorithm',
        body: `<author name="a">${cert(AUTHOR, 'MD5')}</author>`,
        says: /^nuget\.config:5: unsupported hashAlgorithm "MD5"/,
      },
      {
        situation: 'a certificate without fingerprint',
        body: '<author name="a"><certificate hashAlgorithm="SHA256" allowUntrustedRoot="false"/></author>',
        says: /<certificate> is missing the required attribute "fingerprint"/,
      },
      {
        situation: 'a certificate without hashAlgorithm',
        body: `<author name="a"><certificate fingerprint="${AUTHOR}" allowUntrustedRoot="false"/></author>`,
        says: /"hashAlgorithm"/,
      },
      {
        situation: 'a certificate without allowUntrustedRoot',
        body: `<author name="a"><certificate fingerprint="${AUTHOR}" hashAlgorithm="SHA256"/></author>`,
        says: /"allowUntrustedRoot"/,
      },
      {
        situation: 'an author without name',
        body: `<author>${cert(AUTHOR)}</author>`,
        says: /<author> is missing the required attribute "name"/,
      },
      {
        situation: 'a repository without serviceIndex',
        body: `<repository name="r">${cert(REPO)}</repository>`,
        says: /"serviceIndex"/,
      },
      {
        situation: 'a signer without certificates',
        body: '<author name="a"></author>',
        says: /trusted signer "a" has no <certificate>/,
      },
      {
        situation: 'two owners elements',
        body: `<repository name="r" serviceIndex="https://x/index.json">${cert(REPO)}<owners>a</owners><owners>b</owners></repository>`,
        says: /more than one <owners>/,
      },
      {
        situation:
          'a SHA1 certificate entry (dotnet stops the run: "Hash algorithm \'SHA1\' is unsupported")',
        body: `<author name="a">${cert(AUTHOR, 'Sha1')}</author>`,
        says: /Hash algorithm 'Sha1' is unsupported/,
      },
      {
        situation: 'empty owners on an author (NuGet parses them even there)',
        body: `<author name="a">${cert(AUTHOR)}<owners> </owners></author>`,
        says: /<owners> must contain only text/,
      },
      {
        situation: 'empty owners',
        body: `<repository name="r" serviceIndex="https://x/index.json">${cert(REPO)}<owners> </owners></repository>`,
        says: /<owners> must contain only text/,
      },
    ])('refuses $situation with NUPKG005 and the line', ({ body, says }) => {
      expect(refusal(config(body))).toMatch(says);
    });

    it('ignores unknown elements and drops items before <clear />', () => {
      const parsed = parse(
        config(
          `<author name="old">${cert(AUTHOR)}</author><clear /><unknown/><author name="new">${cert(REPO)}</author>`,
        ),
      );
      expect(parsed.trustedSigners.map((s) => s.name)).toEqual(['new']);
    });

    it('keeps the first of two authors with the same name (any case), as NuGet de-duplicates items', () => {
      const parsed = parse(
        config(`<author name="a">${cert(AUTHOR)}</author><author name="A">${cert(REPO)}</author>`),
      );
      expect(parsed.trustedSigners.map((s) => s.certificates[0]?.fingerprint)).toEqual([AUTHOR]);
      expect(parsed.allowList.map((e) => e.fingerprint)).toEqual([AUTHOR]);
    });

    it('de-duplicates before <clear />: a later duplicate of a cleared item stays cleared', () => {
      const parsed = parse(
        config(
          `<author name="a">${cert(AUTHOR)}</author><clear /><author name="a">${cert(REPO)}</author>`,
        ),
      );
      expect(parsed.trustedSigners).toEqual([]);
    });

    it('reads only the first <trustedSigners> and the first <config> section of a file', () => {
      const parsed = parse(`<configuration>
<config><add key="x" value="y"/></config>
<config><add key="signatureValidationMode" value="require"/></config>
<trustedSigners><author name="a">${cert(AUTHOR)}</author></trustedSigners>
<trustedSigners><author name="b">${cert(REPO)}</author></trustedSigners>
</configuration>`);
      expect(parsed.signatureValidationMode).toBe('accept');
      expect(parsed.trustedSigners.map((s) => s.name)).toEqual(['a']);
    });

    it('recognises item elements in any case (<Author>, <CERTIFICATE>, <Clear/>), as SettingFactory does', () => {
      const parsed = parse(
        config(
          `<Author name="old">${cert(AUTHOR)}</Author><Clear/><AUTHOR name="new"><CERTIFICATE fingerprint="${REPO}" hashAlgorithm="SHA256" allowUntrustedRoot="false" /></AUTHOR>`,
        ),
      );
      expect(parsed.trustedSigners.map((s) => [s.kind, s.name])).toEqual([['author', 'new']]);
      expect(parsed.allowList.map((e) => e.fingerprint)).toEqual([REPO]);
    });

    it('looks the section up by its exact name, after a <TrustedSigners> has hidden later ones', () => {
      const parsed = parse(
        `<configuration><TrustedSigners><author name="a">${cert(AUTHOR)}</author></TrustedSigners><trustedSigners><author name="b">${cert(REPO)}</author></trustedSigners></configuration>`,
      );
      expect(parsed.trustedSigners).toEqual([]);
    });

    it('ignores well-formed <owners> inside an <author>', () => {
      const parsed = parse(config(`<author name="a">${cert(AUTHOR)}<owners>x;y</owners></author>`));
      expect(parsed.trustedSigners[0]?.owners).toEqual([]);
      expect(parsed.allowList[0]).toEqual(expect.objectContaining({ targetsAuthor: true }));
      expect(parsed.allowList[0]?.owners).toBeUndefined();
    });
  });

  describe('XML syntax', () => {
    it.each([
      {
        situation: 'an unclosed element',
        xml: '<configuration>\n<config>\n</configuration>',
        says: /^nuget\.config:3: expected <\/config> \(opened at line 2\), found <\/configuration>/,
      },
      {
        situation: 'a DOCTYPE',
        xml: '<!DOCTYPE x [<!ENTITY a "b">]><configuration/>',
        says: /DOCTYPE declarations are not supported/,
      },
      {
        situation: 'an unknown entity',
        xml: '<configuration a="&bogus;"/>',
        says: /unknown entity &bogus;/,
      },
      {
        situation: 'an unquoted attribute',
        xml: '<configuration a=b/>',
        says: /attribute values must be quoted/,
      },
      {
        situation: 'a duplicate attribute',
        xml: '<configuration a="1" a="2"/>',
        says: /attribute a appears twice/,
      },
      {
        situation: 'content after the root',
        xml: '<configuration/><configuration/>',
        says: /unexpected content after the root element/,
      },
      {
        situation: 'another root element',
        xml: '<settings/>',
        says: /the root element must be <configuration>/,
      },
    ])('refuses $situation', ({ xml, says }) => {
      expect(refusal(xml)).toMatch(says);
    });

    it('decodes entities, CDATA and comments in values', () => {
      const parsed = parse(
        `\uFEFF<?xml version="1.0"?><!-- c --><configuration><trustedSigners><repository name="a &amp; b" serviceIndex="https://x/?a=1&#38;b=2">${cert(REPO)}<owners><![CDATA[x;y]]><!-- z --></owners></repository></trustedSigners></configuration>`,
      );
      expect(parsed.trustedSigners[0]).toMatchObject({
        name: 'a & b',
        serviceIndex: 'https://x/?a=1&b=2',
        owners: ['x', 'y'],
      });
    });
  });

  describe('merging by (hashAlgorithm, fingerprint)', () => {
    it.each([
      {
        situation: 'conflicting allowUntrustedRoot',
        a: 'true',
        b: 'false',
        nu3040: 1,
        merged: false,
      },
      { situation: 'the other order', a: 'false', b: 'true', nu3040: 1, merged: false },
      { situation: 'agreeing allowUntrustedRoot', a: 'true', b: 'true', nu3040: 0, merged: true },
    ])(
      '$situation → $nu3040 NU3040 warning(s), allowUntrustedRoot $merged',
      ({ a, b, nu3040, merged }) => {
        const parsed = parse(
          config(
            `<author name="a">${cert(AUTHOR, 'SHA256', a)}</author><author name="b">${cert(AUTHOR, 'sha256', b)}</author>`,
          ),
        );
        expect(parsed.allowList).toHaveLength(1);
        expect(parsed.allowList[0]?.allowUntrustedRoot).toBe(merged);
        expect(
          parsed.issues.filter((i) => i.code === 'NU3040' && i.level === 'warning'),
        ).toHaveLength(nu3040);
      },
    );

    it("keeps fingerprints differing only in case apart, as NuGet's ordinal key does", () => {
      const parsed = parse(
        config(
          `<author name="a">${cert(AUTHOR)}</author><author name="b">${cert(AUTHOR.toLowerCase())}</author>`,
        ),
      );
      expect(parsed.allowList).toHaveLength(2);
    });

    it('ORs targets and placements and unions owners', () => {
      const parsed = parse(
        config(`<author name="a">${cert(REPO)}</author>
<repository name="r1" serviceIndex="https://x/index.json">${cert(REPO)}<owners>contoso</owners></repository>
<repository name="r2" serviceIndex="https://y/index.json">${cert(REPO)}<owners>fabrikam;contoso</owners></repository>`),
      );
      expect(parsed.allowList).toEqual([
        expect.objectContaining({
          targetsAuthor: true,
          targetsRepository: true,
          placementPrimary: true,
          placementCountersignature: true,
          owners: ['contoso', 'fabrikam'],
        }),
      ]);
    });
  });
});

describe('checkTrustedSigners', () => {
  const authorEntry = config(`<author name="contoso">${cert(AUTHOR.toLowerCase())}</author>`);
  const repoEntry = (owners = '') =>
    config(
      `<repository name="nuget.org" serviceIndex="https://api.nuget.org/v3/index.json">${cert(REPO)}${owners ? `<owners>${owners}</owners>` : ''}</repository>`,
    );

  it.each([
    {
      situation: 'author entry, author signature (fingerprint case ignored)',
      xml: authorEntry,
      facts: authorSigned(),
      matches: true,
    },
    {
      situation: 'author entry, other author certificate',
      xml: authorEntry,
      facts: authorSigned(FP.unregistered),
      matches: false,
    },
    {
      situation: 'author entry, repository signature with that certificate',
      xml: authorEntry,
      facts: repoSigned(AUTHOR),
      matches: false,
    },
    {
      situation: 'author entry, countersignature with that certificate',
      xml: authorEntry,
      facts: authorSigned(FP.unregistered, {
        repositoryCountersignature: { certificate: certificate(AUTHOR), valid: true },
      }),
      matches: false,
    },
    {
      situation: 'repository entry, repository primary signature',
      xml: repoEntry(),
      facts: repoSigned(),
      matches: true,
    },
    {
      situation: 'repository entry, repository countersignature',
      xml: repoEntry(),
      facts: countersigned(),
      matches: true,
    },
    {
      situation: 'repository entry, author signature with that certificate',
      xml: repoEntry(),
      facts: authorSigned(REPO),
      matches: false,
    },
    {
      situation: 'repository entry with owners, sharing one owner',
      xml: repoEntry('fabrikam; contoso'),
      facts: countersigned(['contoso', 'x']),
      matches: true,
    },
    {
      situation: 'repository entry with owners, no shared owner',
      xml: repoEntry('fabrikam'),
      facts: countersigned(['contoso']),
      matches: false,
    },
    {
      situation: 'repository entry with owners, owner differing in case (ordinal)',
      xml: repoEntry('Contoso'),
      facts: repoSigned(REPO, ['contoso']),
      matches: false,
    },
    {
      situation: 'SHA-512 entry, hash computed from DER',
      xml: config(
        `<author name="a">${cert(createHash('sha512').update('der').digest('hex'), 'SHA512')}</author>`,
      ),
      facts: {
        packageId: 'P',
        primary: {
          kind: 'author',
          certificate: { ...certificate(AUTHOR), der: Buffer.from('der') },
          valid: true,
        },
      },
      matches: true,
    },
    {
      situation: 'SHA-384 entry, no DER nor SHA-384 given',
      xml: config(`<author name="a">${cert('AB'.repeat(48), 'SHA384')}</author>`),
      facts: authorSigned(),
      matches: false,
    },
    {
      situation: 'SHA-384 entry, SHA-384 given',
      xml: config(`<author name="a">${cert('ab'.repeat(48), 'SHA384')}</author>`),
      facts: {
        packageId: 'P',
        primary: {
          kind: 'author',
          certificate: { ...certificate(AUTHOR), fingerprints: { sha384: 'AB'.repeat(48) } },
          valid: true,
        },
      },
      matches: true,
    },
  ] as { situation: string; xml: string; facts: SignatureFacts; matches: boolean }[])(
    '$situation → match $matches',
    ({ xml, facts, matches }) => {
      const parsed = parse(xml);
      const accept = checkTrustedSigners(parsed, facts, { mode: 'accept' });
      const require = checkTrustedSigners(parsed, facts, { mode: 'require' });
      if (matches) {
        expect(accept).toEqual([]);
        expect(require).toEqual([]);
      } else {
        expect(accept).toEqual([
          expect.objectContaining({
            code: 'NU3034',
            level: 'warning',
            message: expect.stringMatching(/^This package is signed but not by a trusted signer\./),
          }),
        ]);
        expect(require).toEqual([expect.objectContaining({ code: 'NU3034', level: 'error' })]);
      }
    },
  );

  it.each([
    {
      mode: 'require' as const,
      issues: [
        expect.objectContaining({
          code: 'NU3034',
          level: 'error',
          message: expect.stringMatching(/no trusted signers were specified/),
        }),
      ],
    },
    { mode: 'accept' as const, issues: [] },
  ])('with an empty list in $mode mode reports $issues.length issue(s)', ({ mode, issues }) => {
    expect(checkTrustedSigners(parse(config('', mode)), authorSigned())).toEqual(issues);
  });

  it('does not check unsigned packages (NU3004 comes from the verification settings)', () => {
    expect(checkTrustedSigners(parse(config('', 'require')), { packageId: 'P' })).toEqual([]);
  });

  it('makes a mismatch an error in accept mode when untrusted is disallowed (allRepositorySigned source)', () => {
    expect(
      checkTrustedSigners(parse(authorEntry), authorSigned(FP.unregistered), {
        allowUntrusted: false,
      }),
    ).toEqual([expect.objectContaining({ level: 'error' })]);
  });
});

describe('allowUntrustedRootFor', () => {
  it.each([
    { situation: 'uppercase fingerprint in config', written: AUTHOR, allow: 'true', result: true },
    {
      situation: 'lowercase fingerprint in config (quirk: ordinal comparison)',
      written: AUTHOR.toLowerCase(),
      allow: 'true',
      result: false,
    },
    { situation: 'allowUntrustedRoot="false"', written: AUTHOR, allow: 'false', result: false },
    { situation: 'another certificate', written: FP.unregistered, allow: 'true', result: false },
  ])('$situation → $result', ({ written, allow, result }) => {
    const parsed = parse(config(`<author name="a">${cert(written, 'SHA256', allow)}</author>`));
    expect(allowUntrustedRootFor(parsed, AUTHOR)).toBe(result);
    expect(isUntrustedRootAllowed(parsed, certificate(AUTHOR))).toBe(result);
  });

  it('still lets the lowercase entry match the allow list, which ignores case', () => {
    const parsed = parse(
      config(`<author name="a">${cert(AUTHOR.toLowerCase(), 'SHA256', 'true')}</author>`),
    );
    expect(checkTrustedSigners(parsed, authorSigned(), { mode: 'require' })).toEqual([]);
    expect(allowUntrustedRootFor(parsed, AUTHOR)).toBe(false);
  });

  it('is false after NU3040 merged a conflict to false', () => {
    const parsed = parse(
      config(
        `<author name="a">${cert(AUTHOR, 'SHA256', 'true')}</author><repository name="r" serviceIndex="https://x/i.json">${cert(AUTHOR, 'SHA256', 'false')}</repository>`,
      ),
    );
    expect(allowUntrustedRootFor(parsed, AUTHOR)).toBe(false);
  });
});
