/**
 * The nuspec is located in the central directory already read instead of by a yauzl walk (issue
 * 11, finding 7). Same outcome as the walk it replaces, on archives made to hit each of yauzl's
 * refusals: name decoding (CP437, UTF-8, Info-ZIP Unicode Path), name validation, extra fields,
 * Zip64 fields, stored sizes, encryption, methods, local headers, declared counts, comments, disks.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import fc from 'fast-check';
import yauzl from 'yauzl';
import { NupkgSigningError } from '../../../src/errors.js';
import { openPackageArchive, type PackageArchive } from '../../../src/package/archive.js';
import { openNuspecEntry } from '../../../src/package/nuspec-entry.js';
import { END_OF_CENTRAL_DIRECTORY_SIZE } from '../../../src/package/zip-format.js';
import { crc32 } from '../../helpers/crc32.js';
import { useTempDir } from '../../helpers/temp-files.js';
import { buildZip, type ZipEntrySpec } from '../../helpers/zip-builder.js';

const temp = useTempDir();
let counter = 0;

type Outcome =
  { kind: 'none' } | { kind: 'entry'; name: string; bytes: string } | { kind: 'error' };

async function collect(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('latin1');
}

async function located(archive: PackageArchive): Promise<Outcome> {
  let entry: Awaited<ReturnType<typeof openNuspecEntry>>;
  try {
    entry = await openNuspecEntry(archive);
  } catch (error) {
    if (!(error instanceof NupkgSigningError) || error.code !== 'NUPKG001') throw error;
    return { kind: 'error' };
  }
  if (!entry) return { kind: 'none' };
  try {
    return { kind: 'entry', name: entry.name, bytes: await collect(entry.stream) };
  } catch {
    return { kind: 'error' }; // zlib's errors too: readPackageIdentity reports any as NUPKG001
  }
}

/** The walk this replaces (the former nuspec.ts), as the oracle. */
class ArchiveView extends yauzl.RandomAccessReader {
  constructor(private readonly path: string) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return createReadStream(this.path, { start, end: end - 1 });
  }
}

async function walkedByYauzl(archive: PackageArchive): Promise<Outcome> {
  const { path } = archive.file;
  const end = Math.min(
    archive.file.size,
    archive.eocd.position + END_OF_CENTRAL_DIRECTORY_SIZE + archive.eocd.commentLength,
  );
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(new ArchiveView(path), end, {
      lazyEntries: true,
      decodeStrings: true,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch {
    return { kind: 'error' };
  }
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (name.includes('/') || name.includes('\\') || !name.toLowerCase().endsWith('.nuspec'))
        continue;
      return { kind: 'entry', name, bytes: await collect(await zip.openReadStreamPromise(entry)) };
    }
    return { kind: 'none' };
  } catch {
    return { kind: 'error' };
  } finally {
    zip.close();
  }
}

// ---- generators ------------------------------------------------------------------------------
const NAME_PIECES = [
  'Pkg',
  'pkg',
  '.nuspec',
  '.NuSpec',
  '.nuspeC',
  '.txt',
  'lib/',
  '/',
  '\\',
  '..',
  '.',
  'C:',
  'z:',
  ':',
  ' ',
  '\u00e9', // é: one byte in CP437 terms (0xE9 via latin1), two in UTF-8
  '\u212a', // Kelvin sign: lower-cases to ASCII k
].map((piece) => Buffer.from(piece, 'utf8'));
const RAW_BYTES = [0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xa9, 0xff].map((b) => Buffer.from([b]));

const nameArbitrary = fc
  .array(fc.constantFrom(...NAME_PIECES, ...RAW_BYTES), { minLength: 0, maxLength: 5 })
  .map((pieces) => Buffer.concat(pieces));

function extraBlock(id: number, data: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16LE(id, 0);
  header.writeUInt16LE(data.length, 2);
  return Buffer.concat([header, data]);
}

/** Info-ZIP Unicode Path (0x7075): version, CRC of the raw name (right or wrong), UTF-8 name. */
function unicodePath(rawName: Buffer, name: string, version: number, rightCrc: boolean): Buffer {
  const data = Buffer.alloc(5);
  data[0] = version;
  data.writeUInt32LE(rightCrc ? crc32(rawName) : (crc32(rawName) ^ 1) >>> 0, 1);
  return extraBlock(0x7075, Buffer.concat([data, Buffer.from(name, 'utf8')]));
}

type ExtraKind =
  | { kind: 'none' }
  | { kind: 'zip64'; bytes: number }
  | { kind: 'truncated' }
  | { kind: 'unicode'; name: string; version: number; rightCrc: boolean };

const extraArbitrary: fc.Arbitrary<ExtraKind> = fc.oneof(
  { arbitrary: fc.constant<ExtraKind>({ kind: 'none' }), weight: 6 },
  fc.constantFrom(0, 8, 16, 24).map<ExtraKind>((bytes) => ({ kind: 'zip64', bytes })),
  fc.constant<ExtraKind>({ kind: 'truncated' }),
  fc
    .record({
      name: fc.constantFrom('Uni.nuspec', 'dir/Uni.nuspec', '../Uni.nuspec', 'Uni.txt'),
      version: fc.constantFrom(1, 2),
      rightCrc: fc.boolean(),
    })
    .map<ExtraKind>((u) => ({ kind: 'unicode', ...u })),
);

/** Mostly `usual`, sometimes one of `rare`: most entries are readable, so later ones are reached. */
function mostly<T>(usual: T, ...rare: T[]): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: fc.constant(usual), weight: 4 }, fc.constantFrom(...rare));
}

const entryArbitrary = fc.record({
  name: fc.oneof(
    fc
      .tuple(nameArbitrary, fc.constantFrom('.nuspec', '.NUSPEC', ''))
      .map(([name, suffix]) => Buffer.concat([name, Buffer.from(suffix)])),
    fc.constantFrom('Pkg.nuspec', 'lib/Pkg.nuspec', 'a.txt').map((n) => Buffer.from(n)),
  ),
  flags: mostly(0, 0x800, 0x40, 0x1, 0x801),
  method: fc.constantFrom<0 | 8>(0, 8),
  localMethod: mostly<number | undefined>(undefined, 0, 8, 12),
  extra: extraArbitrary,
  sizes: mostly('right', 'stored-mismatch', 'huge', 'ffffffff'),
  data: fc.constantFrom('<package/>', '', 'x'.repeat(300)),
});

type EntryCase = typeof entryArbitrary extends fc.Arbitrary<infer T> ? T : never;

function entrySpec(entry: EntryCase): ZipEntrySpec {
  const data = Buffer.from(entry.data);
  const extra = entry.extra;
  const centralExtra =
    extra.kind === 'zip64'
      ? extraBlock(0x0001, Buffer.alloc(extra.bytes, 0))
      : extra.kind === 'truncated'
        ? Buffer.from([0x34, 0x12, 0x0a, 0x00, 0x01, 0x02])
        : extra.kind === 'unicode'
          ? unicodePath(entry.name, extra.name, extra.version, extra.rightCrc)
          : undefined;
  const stored = entry.method === 8 ? undefined : data.length;
  const sizes =
    entry.sizes === 'stored-mismatch'
      ? { compressed: (stored ?? 10) + 1, uncompressed: data.length }
      : entry.sizes === 'huge'
        ? { compressed: 0x7fffffff, uncompressed: 0x7fffffff }
        : entry.sizes === 'ffffffff'
          ? { compressed: 0xffffffff, uncompressed: 0xffffffff }
          : undefined;
  return {
    name: entry.name,
    data,
    method: entry.method,
    flags: entry.flags,
    ...(entry.localMethod !== undefined ? { localMethod: entry.localMethod } : {}),
    ...(centralExtra ? { centralExtra } : {}),
    ...(sizes ? { centralSizes: sizes } : {}),
  };
}

const archiveArbitrary = fc.record({
  entries: fc.array(entryArbitrary, { minLength: 1, maxLength: 4 }),
  declared: fc.option(fc.constantFrom(0, 1), { nil: undefined }),
  commentLie: mostly(false, true),
  disk: mostly(0, 1),
  centralMethodPatch: mostly(false, true),
});

function buildCase(spec: typeof archiveArbitrary extends fc.Arbitrary<infer T> ? T : never) {
  const zip = buildZip({
    entries: spec.entries.map(entrySpec),
    ...(spec.declared !== undefined
      ? { declaredEntries: Math.min(spec.declared, spec.entries.length) }
      : {}),
    comment: Buffer.from('c'),
  });
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  // A comment length running past the file; a disk number (yauzl reads no multi-disk archive).
  if (spec.commentLie) zip.writeUInt16LE(40, eocd + 20);
  zip.writeUInt16LE(spec.disk, eocd + 4);
  zip.writeUInt16LE(spec.disk, eocd + 6);
  // An unsupported method in the central directory of the first entry only.
  if (spec.centralMethodPatch) {
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt16LE(12, central + 10);
  }
  return zip;
}

describe('#openNuspecEntry', () => {
  it('finds the root nuspec after entries in folders and other files', async () => {
    const zip = buildZip({
      entries: [
        { name: 'lib/net8.0/A.nuspec', data: Buffer.from('no') },
        { name: 'readme.txt', data: Buffer.from('no') },
        { name: 'My.Package.NUSPEC', data: Buffer.from('<package/>'), method: 8 },
      ],
    });
    const archive = await openPackageArchive(temp.write('root.nupkg', zip));
    try {
      expect(await located(archive)).toEqual({
        kind: 'entry',
        name: 'My.Package.NUSPEC',
        bytes: '<package/>',
      });
    } finally {
      await archive.file.close();
    }
  });

  it('gives the outcome of the yauzl walk it replaces, on archives made to hit each refusal', async () => {
    await fc.assert(
      fc.asyncProperty(archiveArbitrary, async (spec) => {
        const path = temp.write(`case-${++counter}.nupkg`, buildCase(spec));
        let archive: PackageArchive;
        try {
          archive = await openPackageArchive(path);
        } catch {
          return; // not an archive either reader gets to
        }
        try {
          expect(await located(archive)).toEqual(await walkedByYauzl(archive));
        } finally {
          await archive.file.close();
        }
      }),
      { numRuns: 500 },
    );
  }, 120_000);
});
