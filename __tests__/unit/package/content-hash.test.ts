import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { openPackageArchive } from '../../../src/package/archive.js';
import { computeSignedPackageHash } from '../../../src/package/content-hash.js';
import { localHeaderMismatch } from '../../../src/package/local-header-check.js';
import { readSignatureEntry } from '../../../src/package/signature-entry.js';
import type { HashAlgorithmName } from '../../../src/hash-algorithms.js';
import {
  appendSignatureEntry,
  buildZip,
  nuspecEntry,
  type ZipEntrySpec,
} from '../../helpers/zip-builder.js';
import { useTempDir } from '../../helpers/temp-files.js';

const temp = useTempDir();
const FAKE_SIGNATURE = Buffer.from('0\u0003\u0002\u0001\u0000 stands in for a CMS');

async function hashOf(bytes: Buffer, algorithm: HashAlgorithmName = 'sha256'): Promise<Buffer> {
  const archive = await openPackageArchive(temp.write(`p-${Math.random()}.nupkg`, bytes));
  try {
    const entry = await readSignatureEntry(archive);
    return await computeSignedPackageHash(archive, entry.record, algorithm);
  } finally {
    await archive.file.close();
  }
}

const sha = (algorithm: string, bytes: Buffer) => createHash(algorithm).update(bytes).digest();

function signatureEntry(): ZipEntrySpec {
  return { name: '.signature.p7s', data: FAKE_SIGNATURE };
}

describe('#computeSignedPackageHash', () => {
  describe('when the signature was appended as the reference signer does', () => {
    it.each([
      ['stored entries', [nuspecEntry(), { name: 'lib/a.dll', data: Buffer.alloc(5000, 1) }]],
      [
        'deflated entries',
        [nuspecEntry(), { name: 'lib/a.dll', data: Buffer.alloc(5000, 2), method: 8 as const }],
      ],
      [
        'data descriptors',
        [
          nuspecEntry(),
          { name: 'lib/a.dll', data: Buffer.alloc(100, 3), method: 8 as const, flags: 0x08 },
        ],
      ],
      [
        'extra fields',
        [
          nuspecEntry(),
          {
            name: 'x',
            data: Buffer.from('x'),
            localExtra: Buffer.from([0x0a, 0, 4, 0, 1, 2, 3, 4]),
            centralExtra: Buffer.from([0x0a, 0, 0, 0]),
          },
        ],
      ],
      [
        'many entries',
        [
          nuspecEntry(),
          ...Array.from({ length: 2000 }, (_, i) => ({
            name: `content/f${i}.txt`,
            data: Buffer.from(`file ${i}`),
          })),
        ],
      ],
    ] as [string, ZipEntrySpec[]][])(
      'equals the hash of the unsigned file, with %s',
      async (_name, entries) => {
        const unsigned = buildZip({ entries });
        const signed = appendSignatureEntry(unsigned, FAKE_SIGNATURE);
        expect(await hashOf(signed)).toEqual(sha('sha256', unsigned));
      },
    );

    it.each(['sha256', 'sha384', 'sha512'] as const)('supports %s', async (algorithm) => {
      const unsigned = buildZip({
        entries: [nuspecEntry()],
        comment: Buffer.from('an archive comment'),
      });
      expect(await hashOf(appendSignatureEntry(unsigned, FAKE_SIGNATURE), algorithm)).toEqual(
        sha(algorithm, unsigned),
      );
    });
  });

  describe('when the signature entry is not last (NuGet/Home#6212)', () => {
    it('still equals the hash of the archive without it, with the entry first everywhere', async () => {
      const rest = [
        nuspecEntry(),
        { name: 'lib/a.dll', data: Buffer.alloc(300, 9), method: 8 as const },
      ];
      const signed = buildZip({ entries: [signatureEntry(), ...rest] });
      expect(await hashOf(signed)).toEqual(sha('sha256', buildZip({ entries: rest })));
    });

    it('still equals it when only the local entry moved first', async () => {
      const rest = [nuspecEntry(), { name: 'lib/a.dll', data: Buffer.alloc(300, 9) }];
      const signed = buildZip({ entries: [signatureEntry(), ...rest], centralOrder: [1, 2, 0] });
      expect(await hashOf(signed)).toEqual(sha('sha256', buildZip({ entries: rest })));
    });
  });

  describe('when bytes were added that the signer did not see', () => {
    const unsigned = buildZip({ entries: [nuspecEntry()] });

    it('differs with bytes after the end record', async () => {
      const signed = Buffer.concat([
        appendSignatureEntry(unsigned, FAKE_SIGNATURE),
        Buffer.from('trailing'),
      ]);
      expect(await hashOf(signed)).not.toEqual(sha('sha256', unsigned));
    });

    it('differs with prefix bytes before the first entry (offsets are re-based to 0)', async () => {
      const prefixed = buildZip({ entries: [nuspecEntry()], prefix: Buffer.from('MZ-stub') });
      const signed = appendSignatureEntry(prefixed, FAKE_SIGNATURE);
      // The stub is hashed, but every re-based offset is now short by its length.
      expect(await hashOf(signed)).not.toEqual(sha('sha256', prefixed));
    });
  });

  describe('for any archive the reference signer could sign', () => {
    it('equals the hash of the unsigned file (property)', async () => {
      const entryArb = fc.record({
        name: fc.stringMatching(/^[a-z]{1,8}(\/[a-z]{1,8}){0,2}\.[a-z]{1,3}$/),
        data: fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
        method: fc.constantFrom(0 as const, 8 as const),
        flags: fc.constantFrom(0, 0x08, 0x800),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(entryArb, { minLength: 1, maxLength: 12 }),
          fc.uint8Array({ maxLength: 40 }),
          async (entries, comment) => {
            const unsigned = buildZip({ entries, comment: Buffer.from(comment) });
            const signed = appendSignatureEntry(unsigned, FAKE_SIGNATURE);
            expect(await hashOf(signed)).toEqual(sha('sha256', unsigned));
          },
        ),
        { numRuns: 60 },
      );
    });
  });
});

describe('#localHeaderMismatch during the hash pass', () => {
  it('names an entry whose local header disagrees with the central directory', async () => {
    const unsigned = buildZip({
      entries: [nuspecEntry(), { name: 'lib/a.dll', data: Buffer.alloc(50, 1) }],
    });
    const signed = appendSignatureEntry(unsigned, FAKE_SIGNATURE);
    // Rename the entry in its local header only: a reader of local headers sees lib/b.dll.
    signed[signed.indexOf(Buffer.from('lib/a.dll')) + 4] = 'b'.charCodeAt(0);
    const archive = await openPackageArchive(temp.write('crafted.nupkg', signed));
    try {
      const entry = await readSignatureEntry(archive);
      const mismatches: string[] = [];
      await computeSignedPackageHash(archive, entry.record, 'sha256', {
        onLocalHeader: (record, head) => {
          const found = localHeaderMismatch(record, head);
          if (found) mismatches.push(found);
        },
      });
      expect(mismatches).toEqual([
        expect.stringMatching(/names 'lib\/b\.dll', the central directory 'lib\/a\.dll'/),
      ]);
    } finally {
      await archive.file.close();
    }
  });

  it('finds nothing in a well-formed archive', async () => {
    const signed = appendSignatureEntry(
      buildZip({ entries: [nuspecEntry(), { name: 'x', data: Buffer.from('x') }] }),
      FAKE_SIGNATURE,
    );
    const archive = await openPackageArchive(temp.write('fine.nupkg', signed));
    try {
      const entry = await readSignatureEntry(archive);
      const mismatches: string[] = [];
      await computeSignedPackageHash(archive, entry.record, 'sha256', {
        onLocalHeader: (record, head) =>
          void (localHeaderMismatch(record, head) && mismatches.push('x')),
      });
      expect(mismatches).toEqual([]);
    } finally {
      await archive.file.close();
    }
  });
});
