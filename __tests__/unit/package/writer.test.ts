import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { NupkgSigningError } from '../../../src/errors.js';
import { openPackageArchive, signatureRecords } from '../../../src/package/archive.js';
import { writeFileAtomically } from '../../../src/package/atomic-write.js';
import { computeSignedPackageHash } from '../../../src/package/content-hash.js';
import { crc32, crc32Portable } from '../../../src/package/crc32.js';
import type { CentralDirectoryRecord } from '../../../src/package/zip-format.js';
import {
  computeUnsignedPackageHash,
  dosDateTime,
  removeSignature,
  writeSignedPackage,
} from '../../../src/package/writer.js';

interface EntrySpec {
  name: string;
  data: Buffer;
  deflate?: boolean;
  dataDescriptor?: boolean;
  localExtra?: Buffer;
  centralExtra?: Buffer;
}

/**
 * A minimal ZIP writer for tests: exact control over headers (data descriptors, extras, prefix
 * bytes, comment), which real writers do not give.
 */
function buildZip(
  entries: EntrySpec[],
  options: { comment?: string; prefix?: Buffer; entryCount?: number } = {},
): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = options.prefix?.length ?? 0;
  for (const entry of entries) {
    const body = entry.deflate ? deflateRawSync(entry.data) : entry.data;
    const crc = crc32(entry.data);
    const name = Buffer.from(entry.name, 'utf8');
    const localExtra = entry.localExtra ?? Buffer.alloc(0);
    const centralExtra = entry.centralExtra ?? Buffer.alloc(0);
    const flags = entry.dataDescriptor ? 0x08 : 0;
    const method = entry.deflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(0x5a210000, 10);
    if (!entry.dataDescriptor) {
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(body.length, 18);
      local.writeUInt32LE(entry.data.length, 22);
    }
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    const descriptor = Buffer.alloc(entry.dataDescriptor ? 16 : 0);
    if (entry.dataDescriptor) {
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(body.length, 8);
      descriptor.writeUInt32LE(entry.data.length, 12);
    }
    const localBytes = Buffer.concat([local, name, localExtra, body, descriptor]);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(0x5a210000, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(centralExtra.length, 30);
    // NuGet requires external attributes 0 on the signature entry (spec §1.2).
    const external = entry.name === '.signature.p7s' ? 0 : (0o100644 << 16) >>> 0;
    central.writeUInt32LE(external, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(localBytes);
    centrals.push(Buffer.concat([central, name, centralExtra]));
    offset += localBytes.length;
  }
  const directory = Buffer.concat(centrals);
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.entryCount ?? entries.length, 8);
  end.writeUInt16LE(options.entryCount ?? entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([options.prefix ?? Buffer.alloc(0), ...locals, directory, end, comment]);
}

const NUSPEC = Buffer.from(
  '<?xml version="1.0"?><package><metadata><id>A</id></metadata></package>',
);
const SIGNATURE = Buffer.from('3082000a06092a864886f70d010702a000', 'hex');
const SIGNING_TIME = new Date(2024, 4, 17, 13, 45, 31); // local clock, as NuGet uses

function samplePackage(): Buffer {
  return buildZip(
    [
      { name: 'A.nuspec', data: NUSPEC, deflate: true },
      {
        name: 'lib/net8.0/A.dll',
        data: Buffer.alloc(5000, 0x41),
        deflate: true,
        dataDescriptor: true,
      },
      {
        name: 'readme.md',
        data: Buffer.from('# A\n'),
        localExtra: Buffer.from('5455050001fecf685a', 'hex'),
      },
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>'), dataDescriptor: true },
    ],
    { comment: 'a package comment' },
  );
}

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'writer-test-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function file(name: string, bytes?: Buffer): string {
  const path = join(directory, name);
  if (bytes) writeFileSync(path, bytes);
  return path;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof NupkgSigningError ? error.code : `not coded: ${String(error)}`;
  }
  return undefined;
}

async function signatureHashOf(path: string): Promise<Buffer> {
  const archive = await openPackageArchive(path);
  try {
    const [record] = signatureRecords(archive);
    return await computeSignedPackageHash(archive, record as CentralDirectoryRecord, 'sha256');
  } finally {
    await archive.file.close();
  }
}

async function sign(source: string, destination: string, signature = SIGNATURE, overwrite = false) {
  await writeSignedPackage({
    sourcePath: source,
    destinationPath: destination,
    signatureDer: signature,
    dosTime: SIGNING_TIME,
    overwrite,
  });
}

describe('#writeSignedPackage', () => {
  describe('when signing an unsigned package with deflated, stored, data-descriptor entries and a comment', () => {
    it('keeps the package hash NuGet verifies equal to the hash of the unsigned file', async () => {
      const unsigned = file('a.nupkg', samplePackage());
      const signed = file('a.signed.nupkg');
      await sign(unsigned, signed);
      const expected = await computeUnsignedPackageHash(unsigned, 'sha256');
      expect(await signatureHashOf(signed)).toEqual(expected);
    });

    it('writes the local header, CD header and EOCD bytes of spec §1.6', async () => {
      const original = samplePackage();
      const unsigned = file('a.nupkg', original);
      const signed = file('a.signed.nupkg');
      await sign(unsigned, signed);
      const subject = readFileSync(signed);

      const eocdAt = original.length - 22 - 'a package comment'.length;
      const oldCdSize = original.readUInt32LE(eocdAt + 12);
      const p = original.readUInt32LE(eocdAt + 16);
      const n = SIGNATURE.length;
      const dos = dosDateTime(SIGNING_TIME);
      const crc = crc32(SIGNATURE);
      const u16 = (v: number) => Buffer.from([v & 0xff, v >> 8]);
      const u32 = (v: number) => {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(v >>> 0);
        return b;
      };
      const name = Buffer.from('.signature.p7s');

      expect(subject.subarray(0, p)).toEqual(original.subarray(0, p));
      const expectedLocal = Buffer.concat([
        Buffer.from('504b0304', 'hex'),
        u16(20),
        u16(0),
        u16(0),
        u32(dos),
        u32(crc),
        u32(n),
        u32(n),
        u16(14),
        u16(0),
        name,
      ]);
      expect(subject.subarray(p, p + 44)).toEqual(expectedLocal);
      expect(subject.subarray(p + 44, p + 44 + n)).toEqual(SIGNATURE);
      const cd = p + 44 + n;
      expect(subject.subarray(cd, cd + oldCdSize)).toEqual(original.subarray(p, p + oldCdSize));
      const expectedCentral = Buffer.concat([
        Buffer.from('504b0102', 'hex'),
        u16(20),
        u16(20),
        u16(0),
        u16(0),
        u32(dos),
        u32(crc),
        u32(n),
        u32(n),
        u16(14),
        u16(0),
        u16(0),
        u16(0),
        u16(0),
        u32(0),
        u32(p),
        name,
      ]);
      const newCd = cd + oldCdSize;
      expect(subject.subarray(newCd, newCd + 60)).toEqual(expectedCentral);
      const eocd = subject.subarray(newCd + 60);
      expect(eocd.subarray(0, 8)).toEqual(original.subarray(eocdAt, eocdAt + 8));
      expect(eocd.readUInt16LE(8)).toBe(5);
      expect(eocd.readUInt16LE(10)).toBe(5);
      expect(eocd.readUInt32LE(12)).toBe(oldCdSize + 60);
      expect(eocd.readUInt32LE(16)).toBe(p + 44 + n);
      expect(eocd.subarray(20)).toEqual(original.subarray(eocdAt + 20));
    });

    it('produces an archive unzip accepts, with .signature.p7s listed last', async () => {
      const unzipAvailable = existsSync('/usr/bin/unzip');
      if (!unzipAvailable) return;
      const unsigned = file('a.nupkg', samplePackage());
      const signed = file('a.signed.nupkg');
      await sign(unsigned, signed);
      const test = execFileSync('unzip', ['-t', signed], { encoding: 'utf8' });
      expect(test).toContain('No errors detected');
      const names = execFileSync('unzip', ['-Z1', signed], { encoding: 'utf8' }).trim().split('\n');
      expect(names[names.length - 1]).toBe('.signature.p7s');
      expect(execFileSync('unzip', ['-p', signed, '.signature.p7s'])).toEqual(SIGNATURE);
    });

    it('replaces the package in place when source and destination are the same', async () => {
      const path = file('a.nupkg', samplePackage());
      const expected = await computeUnsignedPackageHash(path, 'sha256');
      await sign(path, path);
      expect(await signatureHashOf(path)).toEqual(expected);
      expect(readdirSync(directory)).toEqual(['a.nupkg']);
    });
  });

  describe('when the package is already signed', () => {
    it('refuses with NU3001 without overwrite and leaves no output', async () => {
      const unsigned = file('a.nupkg', samplePackage());
      const signed = file('a.signed.nupkg');
      await sign(unsigned, signed);
      expect(await codeOf(sign(signed, file('again.nupkg')))).toBe('NU3001');
      expect(existsSync(join(directory, 'again.nupkg'))).toBe(false);
    });

    it('replaces the signature with overwrite, keeping the package hash', async () => {
      const unsigned = file('a.nupkg', samplePackage());
      const signed = file('a.signed.nupkg');
      const resigned = file('a.resigned.nupkg');
      await sign(unsigned, signed);
      const other = Buffer.concat([SIGNATURE, Buffer.alloc(300, 1)]);
      await sign(signed, resigned, other, true);

      const expected = await computeUnsignedPackageHash(unsigned, 'sha256');
      expect(await computeUnsignedPackageHash(signed, 'sha256')).toEqual(expected);
      expect(await signatureHashOf(resigned)).toEqual(expected);
      const fresh = file('a.fresh.nupkg');
      await sign(unsigned, fresh, other);
      expect(readFileSync(resigned)).toEqual(readFileSync(fresh));
    });
  });

  describe('when the package needs Zip64 or has too many entries', () => {
    it('refuses a package with a Zip64 extra block with NU3006', async () => {
      const zip64Extra = Buffer.from('01000800' + '0500000000000000', 'hex');
      const path = file(
        'z.nupkg',
        buildZip([{ name: 'a.txt', data: Buffer.from('hello'), centralExtra: zip64Extra }]),
      );
      expect(await codeOf(sign(path, file('out.nupkg')))).toBe('NU3006');
    });

    it('reports NUPKG001 when the EOCD declares more entries than the directory holds', async () => {
      const path = file(
        'many.nupkg',
        buildZip([{ name: 'a.txt', data: Buffer.from('x') }], { entryCount: 0xfffe }),
      );
      expect(await codeOf(sign(path, file('out.nupkg')))).toBe('NUPKG001');
    });

    it('refuses 65534 real entries with NU3039 and accepts 65533', async () => {
      const entries = (count: number) =>
        Array.from({ length: count }, (_, i) => ({ name: `f${i}`, data: Buffer.alloc(0) }));
      const tooMany = file('many.nupkg', buildZip(entries(0xfffe)));
      expect(await codeOf(sign(tooMany, file('out.nupkg')))).toBe('NU3039');
      const justEnough = file('enough.nupkg', buildZip(entries(0xfffd)));
      await sign(justEnough, file('out2.nupkg'));
      const archive = await openPackageArchive(join(directory, 'out2.nupkg'));
      expect(archive.eocd.totalEntries).toBe(0xfffe);
      await archive.file.close();
    });
  });

  describe('when the layout would make NuGet write or verify a broken package', () => {
    it('refuses prefix data before the first local header, naming NU3008', async () => {
      const path = file(
        'p.nupkg',
        buildZip([{ name: 'a.txt', data: Buffer.from('x') }], { prefix: Buffer.from('MZ-stub') }),
      );
      const error = await sign(path, file('out.nupkg')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NupkgSigningError);
      expect((error as NupkgSigningError).code).toBe('NU3001');
      expect((error as NupkgSigningError).message).toContain('NU3008');
    });

    it('refuses to remove a signature that is not the last local entry', async () => {
      const path = file(
        'first.nupkg',
        buildZip([
          { name: '.signature.p7s', data: SIGNATURE },
          { name: 'a.txt', data: Buffer.from('x') },
        ]),
      );
      const destination = file('out.nupkg');
      expect(
        await codeOf(removeSignature({ sourcePath: path, destinationPath: destination })),
      ).toBe('NU3001');
      expect(await codeOf(sign(path, destination, SIGNATURE, true))).toBe('NU3001');
      expect(existsSync(destination)).toBe(false);
    });
  });

  describe('when the package changed after it was hashed', () => {
    it('aborts with NUPKG002 and writes nothing', async () => {
      const path = file('a.nupkg', samplePackage());
      const destination = join(directory, 'out.nupkg');
      const code = await codeOf(
        writeSignedPackage({
          sourcePath: path,
          destinationPath: destination,
          signatureDer: SIGNATURE,
          dosTime: SIGNING_TIME,
          overwrite: false,
          expectedPackageHash: { algorithm: 'sha256', digest: Buffer.alloc(32) },
        }),
      );
      expect(code).toBe('NUPKG002');
      expect(readdirSync(directory)).toEqual(['a.nupkg']);
    });

    it('writes when the expected hash matches', async () => {
      const path = file('a.nupkg', samplePackage());
      const digest = await computeUnsignedPackageHash(path, 'sha384');
      await writeSignedPackage({
        sourcePath: path,
        destinationPath: path,
        signatureDer: SIGNATURE,
        dosTime: SIGNING_TIME,
        overwrite: false,
        expectedPackageHash: { algorithm: 'sha384', digest },
      });
      expect(await computeUnsignedPackageHash(path, 'sha384')).toEqual(digest);
    });
  });
});

describe('#removeSignature', () => {
  describe('when the signature is the last entry', () => {
    it('restores the unsigned package byte for byte', async () => {
      const original = samplePackage();
      const unsigned = file('a.nupkg', original);
      const signed = file('a.signed.nupkg');
      await sign(unsigned, signed);
      const removed = file('a.removed.nupkg');
      await removeSignature({ sourcePath: signed, destinationPath: removed });
      expect(readFileSync(removed)).toEqual(original);
    });
  });

  describe('when the package is not signed', () => {
    it('reports NU3005', async () => {
      const path = file('a.nupkg', samplePackage());
      expect(
        await codeOf(removeSignature({ sourcePath: path, destinationPath: file('o.nupkg') })),
      ).toBe('NU3005');
    });
  });
});

describe('#computeUnsignedPackageHash', () => {
  it('is the hash of the whole file for an unsigned package', async () => {
    const bytes = samplePackage();
    const path = file('a.nupkg', bytes);
    const { createHash } = await import('node:crypto');
    expect(await computeUnsignedPackageHash(path, 'sha512')).toEqual(
      createHash('sha512').update(bytes).digest(),
    );
  });
});

describe('#dosDateTime', () => {
  it('packs the local date and time as ZIP does', () => {
    const subject = dosDateTime(new Date(2024, 4, 17, 13, 45, 31));
    expect(subject >>> 25).toBe(44);
    expect((subject >>> 21) & 0xf).toBe(5);
    expect((subject >>> 16) & 0x1f).toBe(17);
    expect((subject >>> 11) & 0x1f).toBe(13);
    expect((subject >>> 5) & 0x3f).toBe(45);
    expect(subject & 0x1f).toBe(15);
  });

  it('clamps dates before 1980 to 1980-01-01', () => {
    expect(dosDateTime(new Date(1970, 0, 1))).toBe(0x00210000);
  });
});

describe('#crc32', () => {
  it('matches the standard check value and the table implementation', () => {
    const check = Buffer.from('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Portable(check)).toBe(0xcbf43926);
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff));
    expect(crc32Portable(data)).toBe(crc32(data));
    expect(crc32Portable(data.subarray(500), crc32Portable(data.subarray(0, 500)))).toBe(
      crc32(data),
    );
  });
});

describe('#writeFileAtomically', () => {
  describe('when produce fails', () => {
    it('leaves the original byte-identical and no temporary file', async () => {
      const original = samplePackage();
      const path = file('a.nupkg', original);
      const error = new Error('boom');
      await expect(
        writeFileAtomically(path, async (temporary) => {
          await temporary.handle.writeFile('partial');
          throw error;
        }),
      ).rejects.toThrow();
      expect(readFileSync(path)).toEqual(original);
      expect(readdirSync(directory)).toEqual(['a.nupkg']);
    });
  });

  describe('when produce succeeds', () => {
    it('replaces the file and names the temporary file after it in the same directory', async () => {
      const path = file('a.nupkg', Buffer.from('old'));
      let seen = '';
      await writeFileAtomically(path, async (temporary) => {
        seen = temporary.path;
        await temporary.handle.writeFile('new');
      });
      expect(seen).toMatch(/[/\\]\.nupkg-signing\.a\.nupkg\.[0-9a-f]{8}-[0-9]+-[0-9a-f]{12}\.tmp$/);
      expect(readFileSync(path, 'utf8')).toBe('new');
      expect(readdirSync(directory)).toEqual(['a.nupkg']);
    });
  });
});
