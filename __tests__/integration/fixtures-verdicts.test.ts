import { join } from 'node:path';
import { PRESETS } from '../../src/policy/presets.js';
import { loadBundledTrustStores } from '../../src/trust/bundled-roots.js';
import { verifyPackage } from '../../src/verify/verify-package.js';
import { expectConsistentVerdict } from '../helpers/verdict-consistency.js';

/**
 * The fixtures (copied from the shared corpus, see fixtures/README.md) with the verdict
 * `dotnet nuget verify --all` gave on each, so the suite means something without the corpus.
 */
const NOW = new Date('2026-11-25T07:30:00Z');
const trust = loadBundledTrustStores();

const EXPECTED: [file: string, valid: boolean, codes: string[]][] = [
  ['packages/k4os.hash.xxhash.1.0.6.nupkg', true, []],
  ['packages/messagepack.annotations.2.5.192.nupkg', true, []],
  ['packages/system.buffers.4.5.1.nupkg', true, []],
  ['packages/testsigned.leaf-1.1.0.0__2017-12-11-deflated-signature.nupkg', false, ['eNU3005']],
  ['packages/testunsigned.1.0.0.nupkg', false, ['eNU3004']],
  ['tampered/system.buffers.4.5.1__ar-01-content-byte-flipped.nupkg', false, ['eNU3008']],
  ['tampered/system.buffers.4.5.1__ar-06-signature-moved-first.nupkg', true, []],
  ['tampered/system.buffers.4.5.1__ar-10-signature-truncated.nupkg', false, ['eNU3003']],
  ['tampered/system.buffers.4.5.1__ar-17-duplicate-signature-entry.nupkg', false, ['eNU3005']],
  ['tampered/system.buffers.4.5.1__ar-18-trailing-bytes-after-eocd.nupkg', false, ['eNU3008']],
  ['tampered/testunsigned.1.0.0__un-05-fake-signature-entry.nupkg', false, ['eNU3003']],
  // Found by the fuzz campaign: .NET refuses an empty OBJECT IDENTIFIER anywhere in the CMS, and
  // signatureAlgorithm parameters other than NULL.
  ['tampered/system.buffers.4.5.1__fz-03-empty-attribute-oid.nupkg', false, ['eNU3003']],
  [
    'tampered/k4os.hash.xxhash.1.0.6__fz-02-signature-algorithm-parameters-not-null.nupkg',
    false,
    ['eNU3012'],
  ],
  [
    'tampered/messagepack.annotations.2.5.192__fz-01-signature-algorithm-parameters-not-null.nupkg',
    false,
    ['eNU3012'],
  ],
  ['tampered/testunsigned.1.0.0__un-06-empty-signature-entry.nupkg', false, ['eNU3003']],
];

describe('#verifyPackage on the fixtures (verify policy)', () => {
  it.each(EXPECTED)('%s: valid %s with %j', async (file, valid, codes) => {
    const subject = await verifyPackage(join('fixtures', file), {
      policy: PRESETS.verify,
      now: NOW,
      trust,
    });
    expectConsistentVerdict(subject);
    const found = subject.issues
      .filter((i) => i.level !== 'info')
      .map((i) => `${i.level[0]}${i.code}`);
    expect(found.sort()).toEqual(codes);
    expect(subject.valid).toBe(valid);
  });

  it('describes the signatures of a countersigned package', async () => {
    const subject = await verifyPackage('fixtures/packages/system.buffers.4.5.1.nupkg', {
      policy: PRESETS.verify,
      now: NOW,
      trust,
    });
    expect(subject.signature).toBe('author');
    expect(subject.countersigned).toBe(true);
    expect(subject.package).toEqual({ id: 'System.Buffers', version: '4.5.1' });
    expect(
      subject.signatures?.map((s) => [s.placement, s.type, s.signer.subject.split(',')[0]]),
    ).toEqual([
      ['primary', 'author', 'CN=Microsoft Corporation'],
      ['countersignature', 'repository', 'CN=NuGet.org Repository by Microsoft'],
    ]);
    expect(subject.signatures?.[0]?.timestamp?.tsaSubject).toMatch(
      /CN=Symantec SHA256 TimeStamping Signer/,
    );
  });
});
