import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS_DIR } from '../../helpers/corpus.js';
import { NupkgSigningError } from '../../../src/errors.js';
import { openPackageArchive } from '../../../src/package/archive.js';
import { detectZip64 } from '../../../src/package/zip64.js';

const CORPUS = join(CORPUS_DIR, 'real');
const describeWithCorpus = existsSync(CORPUS) ? describe : describe.skip;

const ZIP64_BLOCK = Buffer.from('0100080005000000' + '00000000', 'hex');
const TIMESTAMP_BLOCK = Buffer.from('5455050001fecf685a', 'hex');

/** One stored entry, with chosen extra fields and disk numbers: enough to exercise each rule. */
function oneEntryZip(
  options: {
    localExtra?: Buffer;
    centralExtra?: Buffer;
    diskNumberStart?: number;
    localHeaderOffset?: number;
  } = {},
): Buffer {
  const name = Buffer.from('a.txt');
  const data = Buffer.from('hello');
  const localExtra = options.localExtra ?? Buffer.alloc(0);
  const centralExtra = options.centralExtra ?? Buffer.alloc(0);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(localExtra.length, 28);
  const entry = Buffer.concat([local, name, localExtra, data]);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt16LE(centralExtra.length, 30);
  central.writeUInt16LE(options.diskNumberStart ?? 0, 34);
  central.writeUInt32LE(options.localHeaderOffset ?? 0, 42);
  const directory = Buffer.concat([central, name, centralExtra]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(entry.length, 16);
  return Buffer.concat([entry, directory, end]);
}

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'zip64-test-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function detect(bytes: Buffer): Promise<boolean> {
  const path = join(directory, 'subject.zip');
  writeFileSync(path, bytes);
  const archive = await openPackageArchive(path);
  try {
    return await detectZip64(archive);
  } finally {
    await archive.file.close();
  }
}

/** Sets the EOCD's "number of this disk" (the EOCD is the last 22 bytes when there is no comment). */
function withEocdDiskNumber(bytes: Buffer, disk: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt16LE(disk, copy.length - 22 + 4);
  return copy;
}

describe('#detectZip64', () => {
  describe('when nothing in the archive is Zip64', () => {
    it('reports false, also with other extra blocks present', async () => {
      expect(await detect(oneEntryZip())).toBe(false);
      expect(
        await detect(oneEntryZip({ localExtra: TIMESTAMP_BLOCK, centralExtra: TIMESTAMP_BLOCK })),
      ).toBe(false);
    });
  });

  describe('when a central directory header has a 0x0001 extra block (rule 2)', () => {
    it('reports true, wherever the block sits in the extra field', async () => {
      expect(await detect(oneEntryZip({ centralExtra: ZIP64_BLOCK }))).toBe(true);
      const later = Buffer.concat([TIMESTAMP_BLOCK, ZIP64_BLOCK]);
      expect(await detect(oneEntryZip({ centralExtra: later }))).toBe(true);
    });
  });

  describe('when a local header has a 0x0001 extra block (rule 3)', () => {
    it('reports true for an entry on the EOCD disk', async () => {
      const extra = Buffer.concat([TIMESTAMP_BLOCK, ZIP64_BLOCK]);
      expect(await detect(oneEntryZip({ localExtra: extra }))).toBe(true);
    });

    it('reports false when the entry claims another disk, as NuGet skips it', async () => {
      expect(await detect(oneEntryZip({ localExtra: ZIP64_BLOCK, diskNumberStart: 1 }))).toBe(
        false,
      );
    });
  });

  describe('when the EOCD disk numbers differ', () => {
    it('gives up and reports false without checking the rules, as NuGet does', async () => {
      const subject = withEocdDiskNumber(oneEntryZip({ centralExtra: ZIP64_BLOCK }), 1);
      expect(await detect(subject)).toBe(false);
    });
  });

  describe('when the central directory points at no local header', () => {
    it('reports NUPKG001', async () => {
      const error = await detect(oneEntryZip({ localHeaderOffset: 3 })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NupkgSigningError);
      expect((error as NupkgSigningError).code).toBe('NUPKG001');
    });
  });

  describeWithCorpus('on NuGet test resources and real packages', () => {
    const corpus = (name: string) => readFileSync(join(CORPUS, name));

    it.each([
      ['nuget-client-resource__centraldirectoryheaderwithzip64extrafield.zip', 'rule 2'],
      ['nuget-client-resource__localfileheaderwithzip64extrafield.zip', 'rule 3'],
      ['zip64package.1.0.0.nupkg', 'rule 1 (Zip64 EOCD locator)'],
    ])('reports %s as Zip64 (%s)', async (name) => {
      expect(await detect(corpus(name))).toBe(true);
    });

    it('reports the Zip64 package with differing EOCD disk numbers as not Zip64', async () => {
      expect(await detect(withEocdDiskNumber(corpus('zip64package.1.0.0.nupkg'), 1))).toBe(false);
    });

    it('reports an ordinary package as not Zip64', async () => {
      expect(await detect(corpus('newtonsoft.json.13.0.4.nupkg'))).toBe(false);
    });
  });
});
