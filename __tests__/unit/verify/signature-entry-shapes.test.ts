import { readFileSync } from 'node:fs';
import { PRESETS } from '../../../src/policy/presets.js';
import { verifyPackage } from '../../../src/verify/verify-package.js';
import {
  certificateSetVariants,
  cmsChildVariants,
  localHeaderVariants,
  type Variant,
} from '../../helpers/differential-mutations.js';
import { makeSignedPackage, signingPki, type SigningPki } from '../../helpers/signed-package.js';
import { useTempDir } from '../../helpers/temp-files.js';

/**
 * The three classes of issue 11, finding 9, without dotnet: the verdicts below are the ones
 * `dotnet nuget verify --all` (SDK 10.0.401) gave on the same generated packages, which
 * __tests__/integration/verify-dotnet-differential.test.ts re-checks on every run where dotnet is.
 */
const temp = useTempDir();
let pki: SigningPki;
let variants: Map<string, Buffer>;

beforeAll(async () => {
  pki = await signingPki();
  const seed = readFileSync(
    await makeSignedPackage({ directory: temp.path(''), id: 'Shapes.Seed', pki }),
  );
  const all: Variant[] = [
    ...localHeaderVariants(seed),
    ...cmsChildVariants(seed),
    ...certificateSetVariants(seed),
  ];
  variants = new Map(all.map((v) => [v.name, v.bytes]));
}, 60_000);

async function verdictOf(name: string) {
  const bytes = variants.get(name);
  if (!bytes) throw new Error(`no variant ${name}`);
  const result = await verifyPackage(temp.write(`${name}.nupkg`, bytes), {
    policy: PRESETS.verify,
    now: new Date(),
    trust: pki.trust,
  });
  const errors = [...new Set(result.issues.filter((i) => i.level === 'error').map((i) => i.code))];
  return { valid: result.valid, errors: errors.sort() };
}

describe('signature entry local header (NuGet reads it)', () => {
  it.each([
    'lfh-name-upper-case',
    'lfh-name-one-letter-case',
    'lfh-name-other-extension',
    'lfh-name-in-directory',
    'lfh-name-length-minus-1-extra-plus-1',
  ])('fails integrity (NU3008) when %s', async (name) => {
    expect(await verdictOf(name)).toEqual({ valid: false, errors: ['NU3008'] });
  });

  it.each([
    'lfh-flags-data-descriptor',
    'lfh-flags-utf8',
    'lfh-method-deflate',
    'lfh-signature-wrong',
  ])('reports an invalid signature entry (NU3005) when %s', async (name) => {
    expect(await verdictOf(name)).toEqual({ valid: false, errors: ['NU3005'] });
  });

  it.each([
    'lfh-version-needed-ffff',
    'lfh-time-ffff',
    'lfh-date-zero',
    'lfh-crc-wrong',
    'lfh-extra-zip64-block',
    'lfh-data-descriptor-without-flag',
    'lfh-sizes-both-plus-1',
  ])('stays valid when %s (NuGet does not look)', async (name) => {
    expect(await verdictOf(name)).toEqual({ valid: true, errors: [] });
  });
});

describe('CMS children swapped, removed or duplicated (fuzz finding case-20261126-25945)', () => {
  it.each([
    'cms-signeddata-swap-0-1',
    'cms-signeddata-duplicate-2',
    'cms-signeddata-duplicate-3',
    'cms-signeddata-two-crls',
    'cms-signeddata-crls-before-certificates',
    'cms-signeddata-certificates-after-signerinfos',
    'cms-encapcontentinfo-duplicate-1',
    'cms-timestamp-signeddata-duplicate-3',
  ])('is NU3003 when %s', async (name) => {
    expect(await verdictOf(name)).toEqual({ valid: false, errors: ['NU3003'] });
  });

  it('accepts an empty crls set and bytes after the ContentInfo, as .NET does', async () => {
    expect(await verdictOf('cms-signeddata-empty-crls')).toEqual({ valid: true, errors: [] });
    expect(await verdictOf('cms-trailing-garbage')).toEqual({ valid: true, errors: [] });
  });
});

describe('two copies of the intermediate in the certificate set', () => {
  it.each(['certs-1-broken-signature-copy-first', 'certs-1-other-key-copy-first'])(
    'uses the first copy and fails the chain (NU3012) when %s',
    async (name) => {
      expect(await verdictOf(name)).toEqual({ valid: false, errors: ['NU3012'] });
    },
  );

  it.each([
    'certs-1-duplicated',
    'certs-1-broken-signature-copy-second',
    'certs-1-other-key-copy-second',
  ])('is valid when %s', async (name) => {
    expect(await verdictOf(name)).toEqual({ valid: true, errors: [] });
  });

  it.each(['certs-unknown-choice-tag', 'certs-undecodable-first'])(
    'is NU3003 when %s',
    async (name) => {
      expect(await verdictOf(name)).toEqual({ valid: false, errors: ['NU3003'] });
    },
  );
});
