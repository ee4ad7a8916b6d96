/**
 * Hostile inputs (issue #8): each gives a coded result, in bounded time and memory, and each
 * limit stated in README.md ("Limits against hostile input") is exercised here.
 */
import { closeSync, openSync, truncateSync, writeSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { LIMITS } from '../../../src/limits.js';
import { PRESETS } from '../../../src/policy/presets.js';
import { TrustStore } from '../../../src/trust/trust-store.js';
import { verifyPackage, type PackageVerification } from '../../../src/verify/verify-package.js';
import { createRootCa } from '../../helpers/pki.js';
import { useTempDir } from '../../helpers/temp-files.js';
import { appendSignatureEntry, buildZip, nuspecEntry } from '../../helpers/zip-builder.js';

const temp = useTempDir();
const OPTIONS = {
  policy: PRESETS.verify,
  now: new Date('2025-06-01T12:00:00Z'),
  trust: { codeSigning: TrustStore.empty(), timestamping: TrustStore.empty() },
};
/** Generous for a shared machine: the point is "bounded", not fast. */
const TIME_BOUND_MS = 5000;
let counter = 0;

async function subject(bytes: Buffer | string): Promise<PackageVerification> {
  const path = typeof bytes === 'string' ? bytes : temp.write(`hostile-${++counter}.nupkg`, bytes);
  const started = performance.now();
  const result = await verifyPackage(path, OPTIONS);
  expect(performance.now() - started).toBeLessThan(TIME_BOUND_MS);
  expect(result.valid).toBe(false);
  return result;
}

const codes = (result: PackageVerification) => result.issues.map((i) => i.code);
const unsigned = () => buildZip({ entries: [nuspecEntry('Hostile', '1.0.0')] });

// ---- minimal DER, to build CMS structures no signer would write ----------------------------
function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const length =
    body.length < 0x80
      ? Buffer.from([body.length])
      : (() => {
          const bytes: number[] = [];
          for (let v = body.length; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
          return Buffer.from([0x80 | bytes.length, ...bytes]);
        })();
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const OID_SIGNED_DATA = Buffer.from('06092a864886f70d010702', 'hex');
const OID_DATA = Buffer.from('06092a864886f70d010701', 'hex');

/** ContentInfo(SignedData) with the given certificates and no SignerInfo. */
function signedDataWithCertificates(certificates: Buffer[]): Buffer {
  const signedData = der(
    0x30,
    der(0x02, Buffer.from([1])),
    der(0x31),
    der(0x30, OID_DATA, der(0xa0, der(0x04, Buffer.from('Version:1\n\n')))),
    der(0xa0, ...certificates),
    der(0x31),
  );
  return der(0x30, OID_SIGNED_DATA, der(0xa0, signedData));
}

describe('hostile inputs', () => {
  describe('when a size field is huge', () => {
    it('reports NUPKG004 for a signature entry declaring more than the signature limit', async () => {
      const signed = appendSignatureEntry(unsigned(), Buffer.alloc(64));
      // The signature's local header is the last one; make it declare 0xFFFFFFF0 bytes.
      const signatureLocal = signed.lastIndexOf(Buffer.from('PK\x03\x04', 'latin1'));
      signed.writeUInt32LE(0xfffffff0, signatureLocal + 18);
      signed.writeUInt32LE(0xfffffff0, signatureLocal + 22);
      const centralAt = signed.lastIndexOf(Buffer.from('PK\x01\x02', 'latin1'));
      signed.writeUInt32LE(0xfffffff0, centralAt + 20);
      signed.writeUInt32LE(0xfffffff0, centralAt + 24);
      expect(codes(await subject(signed))).toEqual(['NUPKG004']);
    });

    it('reports a code for a nuspec whose declared sizes are 4 GiB', async () => {
      const zip = buildZip({
        entries: [
          {
            ...nuspecEntry('Huge', '1.0.0'),
            centralSizes: { compressed: 0xffffffff, uncompressed: 0xffffffff },
          },
        ],
      });
      expect(codes(await subject(zip))).toEqual(['NUPKG001']);
    });
  });

  describe('when the entry count lies', () => {
    it('reports NUPKG001 when the end record declares more entries than the directory holds', async () => {
      const zip = buildZip({ entries: [nuspecEntry()], declaredEntries: 65535 });
      expect(codes(await subject(zip))).toEqual(['NUPKG001']);
    });

    it(`reports NUPKG004 when a Zip64 end record declares over ${LIMITS.maxEntries} entries`, async () => {
      const zip = buildZip({ entries: [nuspecEntry()], zip64EndRecord: true });
      const record = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
      zip.writeBigUInt64LE(BigInt(LIMITS.maxEntries + 1), record + 24);
      zip.writeBigUInt64LE(BigInt(LIMITS.maxEntries + 1), record + 32);
      expect(codes(await subject(zip))).toEqual(['NUPKG004']);
    });
  });

  it('reports a code for overlapping entries (two records, one local header)', async () => {
    const zip = buildZip({
      entries: [nuspecEntry(), { name: 'lib/a.dll', data: Buffer.alloc(100, 1) }],
    });
    const second = zip.lastIndexOf(Buffer.from('PK\x01\x02', 'latin1'));
    zip.writeUInt32LE(0, second + 42);
    const signed = appendSignatureEntry(zip, Buffer.from([0x30, 0x00]));
    const result = await subject(signed);
    expect(result.issues.length).toBeGreaterThan(0);
    expect(codes(result)[0]).toMatch(/^(NU\d{4}|NUPKG\d{3})$/);
  });

  it('reports NUPKG001 when the central directory points outside the file', async () => {
    const zip = unsigned();
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    zip.writeUInt32LE(0x7fff0000, eocd + 16);
    expect(codes(await subject(zip))).toEqual(['NUPKG001']);
  });

  it(`reports NUPKG004 for a central directory over ${LIMITS.maxCentralDirectoryBytes} bytes, without reading it`, async () => {
    // A sparse file: a Zip64 end record placing the directory 70 MiB before it.
    const path = temp.path('huge-directory.nupkg');
    const size = 70 * 1024 * 1024;
    closeSync(openSync(path, 'w'));
    truncateSync(path, size);
    const tail = buildZip({ entries: [], zip64EndRecord: true });
    const record = tail.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
    const recordAt = size - tail.length + record;
    tail.writeBigUInt64LE(0n, record + 48);
    const locator = tail.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]));
    tail.writeBigUInt64LE(BigInt(recordAt), locator + 8);
    const fd = openSync(path, 'r+');
    writeSync(fd, tail, 0, tail.length, size - tail.length);
    closeSync(fd);
    expect(codes(await subject(path))).toEqual(['NUPKG004']);
  });

  it(`reports NUPKG004 for a nuspec zip bomb, stopping at ${LIMITS.maxInflatedEntryBytes} bytes`, async () => {
    const bomb = Buffer.alloc(LIMITS.maxInflatedEntryBytes + 1024 * 1024, 0x20);
    const zip = buildZip({
      entries: [{ name: 'Bomb.nuspec', data: Buffer.alloc(0), method: 8 }],
    });
    // Replace the empty deflate stream with the bomb's (about 17 KB) and fix the sizes.
    const compressed = deflateRawSync(bomb, { level: 9 });
    const empty = deflateRawSync(Buffer.alloc(0));
    const dataAt = 30 + 'Bomb.nuspec'.length;
    const rebuilt = Buffer.concat([
      zip.subarray(0, dataAt),
      compressed,
      zip.subarray(dataAt + empty.length),
    ]);
    const delta = compressed.length - empty.length;
    rebuilt.writeUInt32LE(compressed.length, 18);
    rebuilt.writeUInt32LE(bomb.length, 22);
    const central = rebuilt.indexOf(Buffer.from('PK\x01\x02', 'latin1'));
    rebuilt.writeUInt32LE(compressed.length, central + 20);
    rebuilt.writeUInt32LE(bomb.length, central + 24);
    const eocd = rebuilt.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    rebuilt.writeUInt32LE(rebuilt.readUInt32LE(eocd + 16) + delta, eocd + 16);
    expect(compressed.length).toBeLessThan(100_000);

    const before = process.memoryUsage();
    const result = await subject(rebuilt);
    const after = process.memoryUsage();
    expect(codes(result)).toEqual(['NUPKG004']);
    // Bounded memory: at most the limit plus chunk slack is held, never the 17 MiB bomb twice.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
  });

  it(`reports NUPKG004 for a signature over ${LIMITS.maxSignatureBytes} bytes`, async () => {
    const big = Buffer.alloc(LIMITS.maxSignatureBytes + 1, 0x30);
    expect(codes(await subject(appendSignatureEntry(unsigned(), big)))).toEqual(['NUPKG004']);
  });

  it('reports NU3003 for ASN.1 nested deeper than the decoder follows (64)', async () => {
    let nested: Buffer = Buffer.from([0x05, 0x00]);
    for (let i = 0; i < 20_000; i++) nested = der(0x30, nested);
    const result = await subject(appendSignatureEntry(unsigned(), nested));
    expect(codes(result)).toEqual(['NU3003']);
  });

  it(`reports NUPKG004 for thousands of certificates (limit ${LIMITS.maxCertificates})`, async () => {
    const root = await createRootCa();
    const certificate = Buffer.from(root.certificate);
    const copies = Math.floor((LIMITS.maxSignatureBytes - 1024) / certificate.length);
    expect(copies).toBeGreaterThan(2000);
    const signature = signedDataWithCertificates(Array(copies).fill(certificate) as Buffer[]);
    const result = await subject(appendSignatureEntry(unsigned(), signature));
    expect(codes(result)).toEqual(['NUPKG004']);
    expect(result.issues[0]?.message).toContain(`over the limit of ${LIMITS.maxCertificates}`);
  });

  it(`accepts ${LIMITS.maxCertificates} certificates as far as the limit goes (then NU3009: no SignerInfo)`, async () => {
    const root = await createRootCa();
    const signature = signedDataWithCertificates(
      Array(LIMITS.maxCertificates).fill(Buffer.from(root.certificate)) as Buffer[],
    );
    expect(codes(await subject(appendSignatureEntry(unsigned(), signature)))).toEqual(['NU3009']);
  });
});
