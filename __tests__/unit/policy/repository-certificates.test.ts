import { readFileSync } from 'node:fs';
import { NupkgSigningError } from '../../../src/errors.js';
import type { SignatureFacts } from '../../../src/policy/signer-policy/facts.js';
import {
  checkRepositorySignature,
  loadRepositoryCertificates,
  parseRepositoryCertificates,
  type RepositoryCertificateList,
} from '../../../src/policy/repository-certificates.js';
import { certificate } from '../../helpers/signer-policy-fixtures.js';

/** Ground truth from shared/corpus/real/MANIFEST.tsv. */
const CORPUS = {
  // k4os.hash.xxhash.1.0.6.nupkg: repository primary signature by "NuGet.org Repository by Microsoft" (2018-2021)
  k4osRepositorySigner: '0E5F38F57DC1BCC806D8494F4F90FBCEDD988B46760709CBEEC6F4219AA6157D',
  // newtonsoft.json.13.0.4.nupkg: author signature (Json.NET) + nuget.org countersignature (2024-2027)
  newtonsoftAuthor: 'DB1BD14AC8A4FA504ADEF36D1EAD72A14E3F61E937D80BF09DC27473C8682083',
  newtonsoftCountersigner: '1F4B311D9ACC115C8DC8018B5A49E00FCE6DA8E2855F9F014CA6F34570BC482D',
  // test.reposigned.1.0.0.nupkg: NuGet.Client fixture, repository signed with a self-signed test certificate
  testRepositorySigner: '775AAB607AA76028A7CC7A873A9513FF0C3B40DF09B7B83D21689A3675B34D9A',
};

const k4os: SignatureFacts = {
  packageId: 'K4os.Hash.xxHash',
  primary: {
    kind: 'repository',
    certificate: certificate(CORPUS.k4osRepositorySigner),
    owners: ['Krashan'],
    serviceIndexUrl: 'https://api.nuget.org/v3/index.json',
    valid: true,
  },
};
const newtonsoft: SignatureFacts = {
  packageId: 'Newtonsoft.Json',
  primary: { kind: 'author', certificate: certificate(CORPUS.newtonsoftAuthor), valid: true },
  repositoryCountersignature: {
    certificate: certificate(CORPUS.newtonsoftCountersigner),
    owners: ['dotnetfoundation', 'jamesnk', 'newtonsoft'],
    serviceIndexUrl: 'https://api.nuget.org/v3/index.json',
    valid: true,
  },
};
const testReposigned: SignatureFacts = {
  packageId: 'Test.Reposigned',
  primary: {
    kind: 'repository',
    certificate: certificate(CORPUS.testRepositorySigner),
    serviceIndexUrl: 'https://v3ServiceIndex.test/api/index',
    valid: true,
  },
};
const authorOnly: SignatureFacts = {
  packageId: 'A',
  primary: { kind: 'author', certificate: certificate(CORPUS.newtonsoftAuthor), valid: true },
};
const unsigned: SignatureFacts = { packageId: 'U' };

const entry = (sha256: string, extra: object = {}) => ({
  fingerprints: { '2.16.840.1.101.3.4.2.1': sha256.toLowerCase() },
  subject: 'CN=NuGet.org Repository by Microsoft',
  issuer: 'CN=DigiCert',
  notBefore: '2021-02-16T00:00:00.0000000Z',
  notAfter: '2024-05-15T23:59:59.0000000Z',
  contentUrl: `https://api.nuget.org/v3-index/repository-signatures/certificates/${sha256.toLowerCase()}.crt`,
  ...extra,
});
const list = (allRepositorySigned: boolean, ...entries: object[]): RepositoryCertificateList =>
  parseRepositoryCertificates({ allRepositorySigned, signingCertificates: entries }, 'test list');

describe('parseRepositoryCertificates', () => {
  it('reads the fields, keyed fingerprints and .NET round-trip dates', () => {
    const parsed = list(
      true,
      entry(CORPUS.k4osRepositorySigner, {
        fingerprints: {
          '2.16.840.1.101.3.4.2.1': 'aa',
          '2.16.840.1.101.3.4.2.3': 'bb',
          '1.3.14.3.2.26': 'cc',
        },
      }),
    );
    expect(parsed.allRepositorySigned).toBe(true);
    expect(parsed.certificates[0]).toEqual(
      expect.objectContaining({
        fingerprints: { sha256: 'AA', sha512: 'BB' },
        notBefore: new Date('2021-02-16T00:00:00Z'),
        notAfter: new Date('2024-05-15T23:59:59Z'),
      }),
    );
  });

  it('skips array items that are not objects, as the client does', () => {
    expect(
      list(false, 'junk' as unknown as object, entry(CORPUS.k4osRepositorySigner)).certificates,
    ).toHaveLength(1);
  });

  it.each([
    { situation: 'not an object', json: [], says: /must be a JSON object/ },
    {
      situation: 'allRepositorySigned missing',
      json: { signingCertificates: [] },
      says: /missing or non-boolean "allRepositorySigned"/,
    },
    {
      situation: 'allRepositorySigned a string',
      json: { allRepositorySigned: 'true', signingCertificates: [] },
      says: /"allRepositorySigned"/,
    },
    {
      situation: 'signingCertificates missing',
      json: { allRepositorySigned: true },
      says: /missing or non-array "signingCertificates"/,
    },
    {
      situation: 'an http contentUrl',
      json: {
        allRepositorySigned: true,
        signingCertificates: [entry('ab', { contentUrl: 'http://api.nuget.org/x.crt' })],
      },
      says: /signingCertificates\[0\]\.contentUrl must be an absolute https URL/,
    },
    {
      situation: 'a relative contentUrl',
      json: {
        allRepositorySigned: true,
        signingCertificates: [entry('ab', { contentUrl: '/x.crt' })],
      },
      says: /absolute https URL/,
    },
    {
      situation: 'a missing contentUrl',
      json: {
        allRepositorySigned: true,
        signingCertificates: [entry('ab', { contentUrl: undefined })],
      },
      says: /contentUrl/,
    },
    {
      situation: 'missing fingerprints',
      json: {
        allRepositorySigned: true,
        signingCertificates: [entry('ab', { fingerprints: undefined })],
      },
      says: /signingCertificates\[0\]\.fingerprints is missing/,
    },
  ])('refuses $situation (fatal, NUPKG005)', ({ json, says }) => {
    expect(() => parseRepositoryCertificates(json, 'index.json')).toThrow(NupkgSigningError);
    expect(() => parseRepositoryCertificates(json, 'index.json')).toThrow(says);
  });
});

describe('loadRepositoryCertificates', () => {
  it('defaults to the bundled nuget.org snapshot, which holds the corpus repository signers', () => {
    const snapshot = loadRepositoryCertificates();
    expect(snapshot.allRepositorySigned).toBe(true);
    expect(snapshot.certificates.map((c) => c.fingerprints.sha256)).toEqual(
      expect.arrayContaining([CORPUS.k4osRepositorySigner, CORPUS.newtonsoftCountersigner]),
    );
    expect(
      snapshot.certificates.every((c) =>
        c.subject?.startsWith('CN=NuGet.org Repository by Microsoft'),
      ),
    ).toBe(true);
  });

  it('reads a file, and gives the same result as the parsed JSON', () => {
    const file = 'data/nuget-org-repository-certificates.json';
    const fromFile = loadRepositoryCertificates({ file });
    const fromJson = loadRepositoryCertificates({ json: JSON.parse(readFileSync(file, 'utf8')) });
    expect(fromFile.certificates).toEqual(fromJson.certificates);
  });

  it('refuses an unreadable file with NUPKG005', () => {
    expect(() => loadRepositoryCertificates({ file: 'missing.json' })).toThrow(
      expect.objectContaining({ code: 'NUPKG005' }),
    );
  });
});

describe('checkRepositorySignature', () => {
  const snapshot = loadRepositoryCertificates();
  const onlyCurrent = list(true, entry(CORPUS.newtonsoftCountersigner));
  const onlyOld = list(true, entry(CORPUS.k4osRepositorySigner));

  it.each([
    {
      situation: 'k4os repository signer, listed in the snapshot',
      facts: k4os,
      repositories: snapshot,
      issues: [],
    },
    {
      situation: 'newtonsoft countersigner, listed in the snapshot',
      facts: newtonsoft,
      repositories: snapshot,
      issues: [],
    },
    {
      situation: 'k4os repository signer, not listed',
      facts: k4os,
      repositories: onlyCurrent,
      issues: ['NU3034 error'],
    },
    {
      situation: 'newtonsoft countersigner, not listed',
      facts: newtonsoft,
      repositories: onlyOld,
      issues: ['NU3034 error'],
    },
    {
      situation: 'a test repository certificate',
      facts: testReposigned,
      repositories: snapshot,
      issues: ['NU3034 error'],
    },
    {
      situation: 'author signature without countersignature',
      facts: authorOnly,
      repositories: snapshot,
      issues: ['NU3034 error'],
    },
    {
      situation: 'unsigned, allRepositorySigned',
      facts: unsigned,
      repositories: snapshot,
      issues: ['NU3004 error'],
    },
    {
      situation: 'unsigned, not allRepositorySigned',
      facts: unsigned,
      repositories: list(false, entry(CORPUS.k4osRepositorySigner)),
      issues: [],
    },
    {
      situation: 'allRepositorySigned with an empty list, even a listed-anywhere signer',
      facts: k4os,
      repositories: list(true),
      issues: ['NU3034 error'],
    },
    {
      situation: 'an empty list without allRepositorySigned',
      facts: testReposigned,
      repositories: list(false),
      issues: [],
    },
    {
      situation: 'matched by SHA-512 only',
      facts: {
        ...k4os,
        primary: {
          ...k4os.primary!,
          certificate: {
            ...certificate('00'.repeat(32)),
            fingerprints: { sha512: 'CD'.repeat(64) },
          },
        },
      },
      repositories: list(true, {
        ...entry('ff'),
        fingerprints: { '2.16.840.1.101.3.4.2.3': 'cd'.repeat(64) },
      }),
      issues: [],
    },
  ] as {
    situation: string;
    facts: SignatureFacts;
    repositories: RepositoryCertificateList;
    issues: string[];
  }[])('$situation → $issues', ({ facts, repositories, issues }) => {
    expect(
      checkRepositorySignature(facts, repositories).map((i) => `${i.code} ${i.level}`),
    ).toEqual(issues);
  });

  it('explains an empty list with allRepositorySigned', () => {
    expect(checkRepositorySignature(k4os, list(true))[0]?.message).toMatch(
      /listed no signing certificates .* so every package fails/,
    );
  });

  it('names the unlisted signer', () => {
    expect(checkRepositorySignature(k4os, onlyCurrent)[0]?.message).toMatch(
      /^This package was not repository signed with a certificate listed by this repository\. K4os\.Hash\.xxHash: its repository signer 0E5F…157D is not listed/,
    );
  });

  it.each([
    { allowUntrusted: true, allRepositorySigned: false, level: 'warning' },
    { allowUntrusted: true, allRepositorySigned: true, level: 'error' },
    { allowUntrusted: false, allRepositorySigned: false, level: 'error' },
  ])(
    'a mismatch with allowUntrusted $allowUntrusted and allRepositorySigned $allRepositorySigned is an $level',
    ({ allowUntrusted, allRepositorySigned, level }) => {
      const repositories = list(allRepositorySigned, entry(CORPUS.newtonsoftCountersigner));
      expect(checkRepositorySignature(testReposigned, repositories, { allowUntrusted })).toEqual([
        expect.objectContaining({ code: 'NU3034', level }),
      ]);
    },
  );
});
