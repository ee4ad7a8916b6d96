import { openPackageArchive } from '../../../src/package/archive.js';
import { readSignatureEntry } from '../../../src/package/signature-entry.js';
import { NupkgSigningError } from '../../../src/errors.js';
import { buildZip, nuspecEntry, type ZipEntrySpec } from '../../helpers/zip-builder.js';
import { useTempDir } from '../../helpers/temp-files.js';

const temp = useTempDir();
let counter = 0;

async function codeOfOpening(bytes: Buffer): Promise<string | undefined> {
  try {
    const archive = await openPackageArchive(temp.write(`a${counter++}.zip`, bytes));
    await archive.file.close();
    return undefined;
  } catch (error) {
    return error instanceof NupkgSigningError ? error.code : `uncoded: ${String(error)}`;
  }
}

async function signatureEntryCode(entries: ZipEntrySpec[]): Promise<string | undefined> {
  const archive = await openPackageArchive(temp.write(`s${counter++}.zip`, buildZip({ entries })));
  try {
    await readSignatureEntry(archive);
    return undefined;
  } catch (error) {
    return error instanceof NupkgSigningError ? error.code : `uncoded: ${String(error)}`;
  } finally {
    await archive.file.close();
  }
}

const SIG = Buffer.from('signature bytes');

describe('#openPackageArchive', () => {
  describe('when the file is a zip', () => {
    it('reads its central directory in order and says whether it is signed by name', async () => {
      const bytes = buildZip({ entries: [nuspecEntry(), { name: '.signature.p7s', data: SIG }] });
      const archive = await openPackageArchive(temp.write('ok.zip', bytes));
      expect([...archive.directory].map((r) => r.rawName.toString())).toEqual([
        'Test.Package.nuspec',
        '.signature.p7s',
      ]);
      expect(archive.signedByName).toBe(true);
      await archive.file.close();
    });

    it('reads a Zip64 archive through its Zip64 end record', async () => {
      const archive = await openPackageArchive(
        temp.write('z64.zip', buildZip({ entries: [nuspecEntry()], zip64EndRecord: true })),
      );
      expect(archive.hasZip64Locator).toBe(true);
      expect(archive.directory).toHaveLength(1);
      await archive.file.close();
    });

    it('reads an archive with no entries, as .NET does (it is then no package: NU5037)', async () => {
      const archive = await openPackageArchive(temp.write('empty.zip', buildZip({ entries: [] })));
      expect(archive.directory).toHaveLength(0);
      expect(archive.signedByName).toBe(false);
      await archive.file.close();
    });

    it('tolerates bytes after the end record, as .NET does', async () => {
      const bytes = buildZip({
        entries: [nuspecEntry()],
        trailing: Buffer.from('junk after the end'),
      });
      expect(await codeOfOpening(bytes)).toBeUndefined();
    });
  });

  describe('when the file is not a readable zip', () => {
    const good = buildZip({ entries: [nuspecEntry(), { name: 'a.txt', data: Buffer.from('a') }] });
    it.each([
      ['an empty file', Buffer.alloc(0)],
      ['text', Buffer.from('this is not a zip file at all, just some words')],
      ['zeros', Buffer.alloc(100_000)],
      ['a file truncated in the central directory', good.subarray(0, good.length - 40)],
      ['an entry count that lies', buildZip({ entries: [nuspecEntry()], declaredEntries: 50 })],
    ])('reports NUPKG001 for %s', async (_name, bytes) => {
      expect(await codeOfOpening(bytes)).toBe('NUPKG001');
    });

    it('reports NUPKG001 for a central directory offset outside the file', async () => {
      const bytes = Buffer.from(good);
      bytes.writeUInt32LE(0x7fffffff, bytes.length - 22 + 16);
      expect(await codeOfOpening(bytes)).toBe('NUPKG001');
    });

    it('reports NUPKG001 for a Zip64 locator pointing outside the file', async () => {
      const bytes = buildZip({ entries: [nuspecEntry()], zip64EndRecord: true });
      bytes.writeBigUInt64LE(0xffffffffffn, bytes.length - 22 - 20 + 8);
      expect(await codeOfOpening(bytes)).toBe('NUPKG001');
    });
  });

  describe('when the path is missing', () => {
    it('throws NUPKG002 naming the path', async () => {
      await expect(openPackageArchive(temp.path('absent.nupkg'))).rejects.toMatchObject({
        code: 'NUPKG002',
        message: expect.stringContaining('absent.nupkg'),
      });
    });
  });
});

describe('#readSignatureEntry', () => {
  it('returns the stored bytes of a well-formed entry', async () => {
    const archive = await openPackageArchive(
      temp.write(
        'good-sig.zip',
        buildZip({ entries: [nuspecEntry(), { name: '.signature.p7s', data: SIG }] }),
      ),
    );
    expect((await readSignatureEntry(archive)).bytes).toEqual(SIG);
    await archive.file.close();
  });

  describe('when the entry breaks a rule of spec §1.2', () => {
    it.each<[string, ZipEntrySpec]>([
      ['deflated', { name: '.signature.p7s', data: SIG, method: 8 }],
      ['a data descriptor', { name: '.signature.p7s', data: SIG, flags: 0x08 }],
      ['external attributes', { name: '.signature.p7s', data: SIG, externalAttributes: 0x20 }],
      [
        'central sizes that differ',
        {
          name: '.signature.p7s',
          data: SIG,
          centralSizes: { compressed: 3, uncompressed: SIG.length },
        },
      ],
      [
        'local sizes that differ',
        {
          name: '.signature.p7s',
          data: SIG,
          localSizes: { compressed: 3, uncompressed: SIG.length },
        },
      ],
      [
        'a deflate method only in the local header',
        { name: '.signature.p7s', data: SIG, localMethod: 8 },
      ],
      ['the UTF-8 name flag', { name: '.signature.p7s', data: SIG, flags: 0x800 }],
      [
        'a size past the end of the file',
        {
          name: '.signature.p7s',
          data: SIG,
          localSizes: { compressed: 1 << 20, uncompressed: 1 << 20 },
        },
      ],
    ])('reports NU3005 for %s', async (_name, entry) => {
      expect(await signatureEntryCode([nuspecEntry(), entry])).toBe('NU3005');
    });

    it('reports NU3005 for two signature entries', async () => {
      const sig = { name: '.signature.p7s', data: SIG };
      expect(await signatureEntryCode([nuspecEntry(), sig, sig])).toBe('NU3005');
    });

    it('reports NU3005 when the local header is missing at the recorded offset', async () => {
      const bytes = buildZip({ entries: [nuspecEntry(), { name: '.signature.p7s', data: SIG }] });
      const localAt = bytes.indexOf(Buffer.from('.signature.p7s')) - 30;
      bytes.writeUInt32LE(0, localAt);
      const archive = await openPackageArchive(temp.write('no-lfh.zip', bytes));
      await expect(readSignatureEntry(archive)).rejects.toMatchObject({ code: 'NU3005' });
      await archive.file.close();
    });
  });
});
