import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildZip, nuspecEntry, type ZipSpec } from '../../helpers/zip-builder.js';
import { NupkgSigningError } from '../../../src/errors.js';
import { openPackageArchive, signatureRecords } from '../../../src/package/archive.js';
import { computeSignedPackageHash } from '../../../src/package/content-hash.js';
import type { CentralDirectoryRecord } from '../../../src/package/zip-format.js';
import {
  computeUnsignedPackageHash,
  writeSignedPackage,
  writeSignedPackageInOnePass,
} from '../../../src/package/writer.js';
import type { HashAlgorithmName } from '../../../src/hash-algorithms.js';

const SIGNATURE = Buffer.from('3082000a06092a864886f70d010702a000', 'hex');
const OTHER_SIGNATURE = Buffer.concat([SIGNATURE, Buffer.alloc(300, 1)]);
const SIGNING_TIME = new Date(2024, 4, 17, 13, 45, 31);

/** Stored, deflated and data-descriptor entries, an extra field, a comment and trailing bytes. */
const MIXED: ZipSpec = {
  entries: [
    nuspecEntry('A'),
    { name: 'lib/net8.0/A.dll', data: Buffer.alloc(5000, 0x41), method: 8, flags: 0x08 },
    {
      name: 'readme.md',
      data: Buffer.from('# A\n'),
      localExtra: Buffer.from('5455050001fecf685a', 'hex'),
    },
    { name: '[Content_Types].xml', data: Buffer.from('<Types/>'), flags: 0x08 },
  ],
  comment: Buffer.from('a package comment'),
};

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'writer-one-pass-test-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function file(name: string, bytes?: Buffer): string {
  const path = join(directory, name);
  if (bytes) writeFileSync(path, bytes);
  return path;
}

/** Signs in one pass with a fixed signature; returns the hashes `buildSignature` was given. */
async function signInOnePass(
  source: string,
  destination: string,
  options: {
    signature?: Buffer;
    overwrite?: boolean;
    algorithm?: HashAlgorithmName;
    buildSignature?: (packageHash: Buffer) => Promise<Uint8Array>;
  } = {},
): Promise<Buffer[]> {
  const seen: Buffer[] = [];
  await writeSignedPackageInOnePass({
    sourcePath: source,
    destinationPath: destination,
    hashAlgorithm: options.algorithm ?? 'sha256',
    dosTime: SIGNING_TIME,
    overwrite: options.overwrite ?? false,
    buildSignature:
      options.buildSignature ??
      ((packageHash) => {
        seen.push(packageHash);
        return Promise.resolve(options.signature ?? SIGNATURE);
      }),
  });
  return seen;
}

async function signInTwoPasses(source: string, destination: string, signature = SIGNATURE) {
  await writeSignedPackage({
    sourcePath: source,
    destinationPath: destination,
    signatureDer: signature,
    dosTime: SIGNING_TIME,
    overwrite: true,
  });
}

async function signatureHashOf(path: string, algorithm: HashAlgorithmName): Promise<Buffer> {
  const archive = await openPackageArchive(path);
  try {
    const [record] = signatureRecords(archive);
    return await computeSignedPackageHash(archive, record as CentralDirectoryRecord, algorithm);
  } finally {
    await archive.file.close();
  }
}

/** A buildSignature that counts its calls. */
function recorder(): { calls: number; buildSignature: () => Promise<Uint8Array> } {
  const record = {
    calls: 0,
    buildSignature: () => {
      record.calls++;
      return Promise.resolve(SIGNATURE);
    },
  };
  return record;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('#writeSignedPackageInOnePass', () => {
  describe('when signing an unsigned package with deflated, stored, data-descriptor entries and a comment', () => {
    it('writes the same bytes as writeSignedPackage', async () => {
      const unsigned = file('a.nupkg', buildZip(MIXED));
      await signInOnePass(unsigned, file('one.nupkg'));
      await signInTwoPasses(unsigned, file('two.nupkg'));
      expect(readFileSync(file('one.nupkg'))).toEqual(readFileSync(file('two.nupkg')));
    });

    it('hands buildSignature the hash computeUnsignedPackageHash gives, once', async () => {
      const unsigned = file('a.nupkg', buildZip(MIXED));
      const seen = await signInOnePass(unsigned, file('one.nupkg'));
      expect(seen).toEqual([await computeUnsignedPackageHash(unsigned, 'sha256')]);
    });

    it.each<HashAlgorithmName>(['sha384', 'sha512'])(
      'hashes with %s and the written package verifies against that hash',
      async (algorithm) => {
        const unsigned = file('a.nupkg', buildZip(MIXED));
        const signed = file('one.nupkg');
        const [hash] = await signInOnePass(unsigned, signed, { algorithm });
        expect(hash).toEqual(await computeUnsignedPackageHash(unsigned, algorithm));
        expect(await signatureHashOf(signed, algorithm)).toEqual(hash);
      },
    );
  });

  describe('when the local entries span several copy buffers and bytes follow the comment', () => {
    it('writes the same bytes as writeSignedPackage', async () => {
      const spec: ZipSpec = {
        entries: [nuspecEntry('Big'), { name: 'content/big.bin', data: randomBytes(9_000_000) }],
        comment: Buffer.from('comment'),
        trailing: Buffer.from('trailing bytes'),
      };
      const unsigned = file('big.nupkg', buildZip(spec));
      const [hash] = await signInOnePass(unsigned, file('one.nupkg'));
      await signInTwoPasses(unsigned, file('two.nupkg'));
      // Buffer.equals: toEqual compares 9 MB element by element, which takes most of a minute.
      expect(readFileSync(file('one.nupkg')).equals(readFileSync(file('two.nupkg')))).toBe(true);
      expect(hash).toEqual(await computeUnsignedPackageHash(unsigned, 'sha256'));
    });
  });

  describe('when overwriting the signature of a signed package', () => {
    it('writes the same bytes as writeSignedPackage and hashes the unsigned package', async () => {
      const unsigned = file('a.nupkg', buildZip(MIXED));
      const signed = file('signed.nupkg');
      await signInTwoPasses(unsigned, signed);
      const seen = await signInOnePass(signed, file('one.nupkg'), {
        signature: OTHER_SIGNATURE,
        overwrite: true,
      });
      await signInTwoPasses(signed, file('two.nupkg'), OTHER_SIGNATURE);
      expect(readFileSync(file('one.nupkg'))).toEqual(readFileSync(file('two.nupkg')));
      expect(seen).toEqual([await computeUnsignedPackageHash(unsigned, 'sha256')]);
    });

    it('refuses with NU3001 without overwrite before building a signature', async () => {
      const signed = file('signed.nupkg');
      await signInTwoPasses(file('a.nupkg', buildZip(MIXED)), signed);
      const build = recorder();
      const error = await failureOf(
        signInOnePass(signed, file('out.nupkg'), { buildSignature: build.buildSignature }),
      );
      expect(error).toMatchObject({ code: 'NU3001' });
      expect(build.calls).toBe(0);
      expect(existsSync(file('out.nupkg'))).toBe(false);
    });
  });

  describe('when signing in place', () => {
    it('replaces the package with the signed one', async () => {
      const path = file('a.nupkg', buildZip(MIXED));
      await signInTwoPasses(path, file('two.nupkg'));
      await signInOnePass(path, path);
      expect(readFileSync(path)).toEqual(readFileSync(file('two.nupkg')));
      expect(readdirSync(directory).sort()).toEqual(['a.nupkg', 'two.nupkg']);
    });
  });

  describe('when the layout is refused', () => {
    it('refuses prefix data as writeSignedPackage does, before building a signature', async () => {
      const path = file('prefixed.nupkg', buildZip({ ...MIXED, prefix: Buffer.from('MZ stub') }));
      const build = recorder();
      const error = await failureOf(
        signInOnePass(path, path, { buildSignature: build.buildSignature }),
      );
      expect(error).toBeInstanceOf(NupkgSigningError);
      expect((error as Error).message).toMatch(/prefix data/);
      expect(build.calls).toBe(0);
    });
  });

  describe('when buildSignature throws', () => {
    it.each([
      ['a plain error', new Error('the HSM is unreachable')],
      ['a coded error', new NupkgSigningError('NUPKG006', 'the timestamp server is down')],
    ])(
      'rethrows %s unchanged, leaves the original byte-identical and no temporary file',
      async (_, thrown) => {
        const original = buildZip(MIXED);
        const path = file('a.nupkg', original);
        const error = await failureOf(
          signInOnePass(path, path, { buildSignature: () => Promise.reject(thrown) }),
        );
        expect(error).toBe(thrown);
        expect(readFileSync(path)).toEqual(original);
        expect(readdirSync(directory)).toEqual(['a.nupkg']);
      },
    );
  });
});
