import { readFileSync } from 'node:fs';
import { LocalKeySigner } from '../../../src/sign/local-key-signer.js';
import { signPackage, type SignPackageOptions } from '../../../src/sign/sign-package.js';
import type { Signer } from '../../../src/sign/signer.js';
import { TrustStore } from '../../../src/trust/trust-store.js';
import { createRootCa, createTestPki, type TestPki } from '../../helpers/pki.js';
import { timestampAuthorityOf } from '../../helpers/tsa.js';
import { startTsaServer, type TsaServer, type TsaServerOptions } from '../../helpers/tsa-server.js';
import { useTempDir } from '../../helpers/temp-files.js';
import { buildZip, nuspecEntry } from '../../helpers/zip-builder.js';
import { readPackageSignature } from '../../helpers/package-signature.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const EMPTY = { codeSigning: TrustStore.empty(), timestamping: TrustStore.empty() };
const temp = useTempDir();
const servers: TsaServer[] = [];
let pki: TestPki;
let unsigned: Buffer;
let counter = 0;

beforeAll(async () => {
  pki = await createTestPki();
  unsigned = buildZip({ entries: [nuspecEntry('Sign.Me', '1.0.0')] });
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function freshPackage(bytes: Uint8Array = unsigned): string {
  return temp.write(`package-${++counter}.nupkg`, bytes);
}

async function tsaUrl(options: TsaServerOptions = {}): Promise<TsaServer> {
  const authority = timestampAuthorityOf(pki, () => NOW);
  const server = await startTsaServer(authority, options);
  servers.push(server);
  return server;
}

function leafSigner(): LocalKeySigner {
  return new LocalKeySigner(pki.leaf.keyObject, pki.leaf.certificate, [
    pki.intermediate.certificate,
  ]);
}

function options(overrides: Partial<SignPackageOptions> & { packagePath: string }) {
  return {
    signer: leafSigner(),
    hashAlgorithm: 'sha256',
    timestampUrls: [],
    timestampHashAlgorithm: 'sha256',
    overwrite: false,
    clock: () => NOW,
    trustedRoots: [pki.root.certificate, pki.tsaRoot.certificate],
    trustStores: EMPTY,
    nugetOrgTrustStores: EMPTY,
    ...overrides,
  } satisfies SignPackageOptions;
}

function codes(warnings: readonly { code: string }[]): string[] {
  return warnings.map((w) => w.code);
}

describe('#signPackage', () => {
  describe('when the chain is trusted through the extra roots and a TSA answers', () => {
    it('writes a timestamped author signature to the output and leaves the input alone', async () => {
      const packagePath = freshPackage();
      const server = await tsaUrl();
      const outputPath = temp.path(`out-${counter}.nupkg`);
      const subject = await signPackage(
        options({ packagePath, outputPath, timestampUrls: [server.url] }),
      );
      expect(subject.outputPath).toBe(outputPath);
      expect(subject.timestampTime).toEqual(NOW);
      expect(subject.certificateFingerprint).toBe(pki.leaf.fingerprintSha256);
      expect(readFileSync(packagePath)).toEqual(unsigned);
      const signature = await readPackageSignature(outputPath);
      expect(signature.signatureType).toBe('author');
      // nuget.org would not trust the private root; NuGet itself has nothing to say.
      expect(codes(subject.warnings)).toEqual(['NU3018']);
      expect(subject.warnings[0]?.message).toContain('nuget.org would reject');
    });

    it('embeds the chain as built: leaf, intermediate and root', async () => {
      const packagePath = freshPackage();
      await signPackage(options({ packagePath }));
      const signature = await readPackageSignature(packagePath);
      const embedded = signature.certificates.map((c) => Buffer.from(c.der).toString('hex'));
      expect(embedded).toEqual(
        [pki.leaf, pki.intermediate, pki.root].map((c) =>
          Buffer.from(c.certificate).toString('hex'),
        ),
      );
    });
  });

  describe('when no timestamp server is given', () => {
    it('signs in place and warns NU3002 like NuGet, and NU3027 for nuget.org', async () => {
      const packagePath = freshPackage();
      const subject = await signPackage(options({ packagePath }));
      expect(subject.outputPath).toBe(packagePath);
      expect(subject.timestampTime).toBeUndefined();
      expect(codes(subject.warnings)).toEqual(['NU3002', 'NU3018', 'NU3027']);
      expect(readFileSync(packagePath).length).toBeGreaterThan(unsigned.length);
    });
  });

  describe('when the certificate is refused', () => {
    it.each([
      ['a 1024-bit key', 'NU3014', { rsaBits: 1024 }],
      ['a SHA-1 certificate signature', 'NU3013', { signatureHash: 'SHA-1' as const }],
      ['the lifetime signing EKU', 'NU3015', { lifetimeSigning: true }],
      ['a not-yet-valid certificate', 'NU3017', { notBefore: new Date('2030-01-01Z') }],
      ['an expired certificate', 'NU3018', { notAfter: new Date('2024-01-01Z') }],
      ['no code-signing EKU', 'NU3018', { extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'] }],
    ])('refuses %s with %s before contacting the TSA', async (_, code, leafOptions) => {
      const leaf = await pki.intermediate.issueLeaf(leafOptions);
      const packagePath = freshPackage();
      const server = await tsaUrl();
      const signer = new LocalKeySigner(leaf.keyObject, leaf.certificate, [
        pki.intermediate.certificate,
      ]);
      await expect(
        signPackage(options({ packagePath, signer, timestampUrls: [server.url] })),
      ).rejects.toMatchObject({ code });
      expect(server.requests).toHaveLength(0);
      expect(readFileSync(packagePath)).toEqual(unsigned);
    });

    it('refuses a private CA that is not trusted with NU3018, as NuGet does', async () => {
      const packagePath = freshPackage();
      const signer = new LocalKeySigner(pki.leaf.keyObject, pki.leaf.certificate, [
        pki.intermediate.certificate,
        pki.root.certificate,
      ]);
      await expect(
        signPackage(options({ packagePath, signer, trustedRoots: [] })),
      ).rejects.toMatchObject({
        code: 'NU3018',
        message: expect.stringContaining('not a trusted root'),
      });
      expect(readFileSync(packagePath)).toEqual(unsigned);
    });

    it('refuses a chain whose intermediate is missing with NU3018', async () => {
      const packagePath = freshPackage();
      const signer = new LocalKeySigner(pki.leaf.keyObject, pki.leaf.certificate, []);
      await expect(signPackage(options({ packagePath, signer }))).rejects.toMatchObject({
        code: 'NU3018',
        message: expect.stringContaining('PartialChain'),
      });
    });
  });

  describe('when untrusted roots are allowed', () => {
    it('signs with a private CA and says NuGet would have refused', async () => {
      const packagePath = freshPackage();
      const signer = new LocalKeySigner(pki.leaf.keyObject, pki.leaf.certificate, [
        pki.intermediate.certificate,
        pki.root.certificate,
      ]);
      const subject = await signPackage(
        options({ packagePath, signer, trustedRoots: [], allowUntrustedRoot: true }),
      );
      const first = subject.warnings[0];
      expect(first?.code).toBe('NU3018');
      expect(first?.message).toContain("'dotnet nuget sign' would refuse");
    });
  });

  describe('when the certificate is self-signed', () => {
    it('signs with an NU3018 warning, as NuGet does', async () => {
      const selfSigned = await createRootCa({
        isCa: false,
        extendedKeyUsages: ['1.3.6.1.5.5.7.3.3'],
        keyUsage: 0x80,
      });
      const packagePath = freshPackage();
      const signer = new LocalKeySigner(selfSigned.keyObject, selfSigned.certificate, []);
      const subject = await signPackage(options({ packagePath, signer, trustedRoots: [] }));
      expect(subject.warnings[0]).toMatchObject({ code: 'NU3018', level: 'warning' });
      expect(subject.warnings[0]?.message).toContain('self-issued');
    });
  });

  describe('when the package cannot be signed', () => {
    it('refuses an already signed package with NU3001 and replaces it with overwrite', async () => {
      const packagePath = freshPackage();
      await signPackage(options({ packagePath }));
      const signedOnce = readFileSync(packagePath);
      const server = await tsaUrl();
      await expect(
        signPackage(options({ packagePath, timestampUrls: [server.url] })),
      ).rejects.toMatchObject({ code: 'NU3001' });
      expect(server.requests).toHaveLength(0);
      expect(readFileSync(packagePath)).toEqual(signedOnce);

      const later = new Date(NOW.getTime() + 60_000);
      await signPackage(options({ packagePath, overwrite: true, clock: () => later }));
      expect(readFileSync(packagePath)).not.toEqual(signedOnce);
      expect((await readPackageSignature(packagePath)).signatureType).toBe('author');
    });

    it('reports a file that is not a zip with NUPKG001', async () => {
      const packagePath = freshPackage(Buffer.from('not a zip at all, just some text'));
      await expect(signPackage(options({ packagePath }))).rejects.toMatchObject({
        code: 'NUPKG001',
      });
    });
  });

  describe('when a later step fails', () => {
    it('leaves the package byte-identical when the TSA answers HTTP 500', async () => {
      const packagePath = freshPackage();
      const server = await tsaUrl({ mode: 'http500' });
      await expect(
        signPackage(options({ packagePath, timestampUrls: [server.url], retries: 0 })),
      ).rejects.toMatchObject({ code: 'NUPKG006' });
      expect(readFileSync(packagePath)).toEqual(unsigned);
    });

    it('leaves the package byte-identical when the TSA is down', async () => {
      const packagePath = freshPackage();
      const server = await tsaUrl();
      await server.close();
      servers.splice(servers.indexOf(server), 1);
      await expect(
        signPackage(options({ packagePath, timestampUrls: [server.url], retries: 0 })),
      ).rejects.toMatchObject({ code: 'NUPKG006' });
      expect(readFileSync(packagePath)).toEqual(unsigned);
    });

    it('leaves the package byte-identical when the key does not match the certificate', async () => {
      const packagePath = freshPackage();
      const other = await pki.intermediate.issueLeaf();
      const wrongKey = new LocalKeySigner(other.keyObject, other.certificate, []);
      const signer: Signer = {
        certificate: pki.leaf.certificate,
        chain: [pki.intermediate.certificate],
        sign: (data, algorithm) => wrongKey.sign(data, algorithm),
      };
      await expect(signPackage(options({ packagePath, signer }))).rejects.toMatchObject({
        code: 'NUPKG003',
      });
      expect(readFileSync(packagePath)).toEqual(unsigned);
    });

    it('leaves the package byte-identical when the output cannot be written', async () => {
      const packagePath = freshPackage();
      // A directory that does not exist: fails even for root, unlike chmod.
      await expect(
        signPackage(options({ packagePath, outputPath: temp.path('missing/out.nupkg') })),
      ).rejects.toMatchObject({ code: 'NUPKG002' });
      expect(readFileSync(packagePath)).toEqual(unsigned);
    });

    it('refuses a TSA whose root is not trusted with NU3028, as NuGet does', async () => {
      const packagePath = freshPackage();
      const server = await tsaUrl();
      await expect(
        signPackage(
          options({
            packagePath,
            timestampUrls: [server.url],
            trustedRoots: [pki.root.certificate],
          }),
        ),
      ).rejects.toMatchObject({ code: 'NU3028' });
      expect(readFileSync(packagePath)).toEqual(unsigned);
    });
  });
});
