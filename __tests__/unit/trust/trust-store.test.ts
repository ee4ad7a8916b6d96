import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainLink } from '../../../src/trust/chain-link.js';
import { toPem } from '../../../src/signature/certificate.js';
import { certificateChainText } from '../../../src/trust/pem.js';
import { loadPemCertificates, TrustStore } from '../../../src/trust/trust-store.js';
import { createRoot, type TestCert } from './chain-pki.js';

describe('TrustStore', () => {
  let dir: string;
  let rootA: TestCert;
  let rootB: TestCert;
  let intermediate: TestCert;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nupkg-trust-'));
    rootA = await createRoot({ subject: 'CN=Root A' });
    rootB = await createRoot({ subject: 'CN=Root B' });
    intermediate = await rootA.issue({ ca: true, subject: 'CN=Intermediate A' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  describe('#loadPemCertificates', () => {
    it('returns each CERTIFICATE block as DER and skips other text and PEM types', () => {
      const text = `# comment\n${toPem(rootA.der)}junk\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n${toPem(rootB.der)}`;
      expect(loadPemCertificates(text)).toEqual([rootA.der, rootB.der]);
    });

    it('accepts CRLF line endings', () => {
      expect(loadPemCertificates(toPem(rootA.der).replace(/\n/g, '\r\n'))).toEqual([rootA.der]);
    });

    it('returns an empty list for text without certificates', () => {
      expect(loadPemCertificates('nothing here')).toEqual([]);
    });

    it('throws for a block whose body is not base64', () => {
      expect(() =>
        loadPemCertificates('-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----'),
      ).toThrow('not valid base64');
    });
  });

  describe('.fromPemFiles', () => {
    it('loads every certificate of a bundle file, dropping duplicates', () => {
      const file = write('bundle.pem', toPem(rootA.der) + toPem(rootB.der) + toPem(rootA.der));
      const subject = TrustStore.fromPemFiles([file]);
      expect(subject.size).toBe(2);
      expect(subject.certificates).toEqual([rootA.der, rootB.der]);
    });

    it('loads the .pem/.crt/.cer files of a directory and skips files without certificates', () => {
      const sub = join(dir, 'roots.d');
      mkdirSync(sub);
      writeFileSync(join(sub, 'a.crt'), toPem(rootA.der));
      writeFileSync(join(sub, 'b.pem'), toPem(rootB.der));
      writeFileSync(
        join(sub, 'key.pem'),
        '-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n',
      );
      writeFileSync(join(sub, 'notes.txt'), toPem(intermediate.der));
      expect(TrustStore.fromPemFiles([sub]).size).toBe(2);
    });

    it('throws NUPKG005 naming a missing file', () => {
      const missing = join(dir, 'missing.pem');
      expect(() => TrustStore.fromPemFiles([missing])).toThrow(
        expect.objectContaining({ code: 'NUPKG005', file: missing }),
      );
    });

    it('throws NUPKG005 for a file without certificates', () => {
      const empty = write('empty.pem', '# no certificates\n');
      expect(() => TrustStore.fromPemFiles([empty])).toThrow(
        expect.objectContaining({
          code: 'NUPKG005',
          message: expect.stringContaining('contains no -----BEGIN CERTIFICATE----- block'),
        }),
      );
    });

    it('throws NUPKG005 for a block that is not a certificate', () => {
      const bad = write('bad.pem', toPem(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])));
      expect(() => TrustStore.fromPemFiles([bad])).toThrow(
        expect.objectContaining({ code: 'NUPKG005' }),
      );
    });
  });

  describe('.fromPemFiles with DER files (the Windows .cer export default)', () => {
    const writeBytes = (name: string, bytes: Uint8Array) => {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return path;
    };

    it('loads a DER .cer file as its one certificate', () => {
      const subject = TrustStore.fromPemFiles([writeBytes('root-a.cer', rootA.der)]);
      expect(subject.certificates).toEqual([rootA.der]);
    });

    it('loads DER certificates written back to back', () => {
      const both = Buffer.concat([rootA.der, rootB.der]);
      expect(TrustStore.fromPemFiles([writeBytes('two.der', both)]).certificates).toEqual([
        rootA.der,
        rootB.der,
      ]);
    });

    it('loads DER and PEM files side by side from a directory', () => {
      const sub = join(dir, 'mixed.d');
      mkdirSync(sub);
      writeFileSync(join(sub, 'a.cer'), rootA.der);
      writeFileSync(join(sub, 'b.pem'), toPem(rootB.der));
      expect(TrustStore.fromPemFiles([sub]).size).toBe(2);
    });

    it('refuses a truncated DER file with NUPKG005 saying it is truncated', () => {
      const cut = writeBytes('cut.cer', rootA.der.subarray(0, rootA.der.length - 10));
      expect(() => TrustStore.fromPemFiles([cut])).toThrow(
        expect.objectContaining({
          code: 'NUPKG005',
          file: cut,
          message: expect.stringMatching(/cut\.cer is not a valid .*DER .*truncated/),
        }),
      );
    });

    it('refuses bytes after the last DER certificate with NUPKG005', () => {
      const padded = writeBytes('padded.cer', Buffer.concat([rootA.der, Buffer.from([0, 0])]));
      expect(() => TrustStore.fromPemFiles([padded])).toThrow(
        expect.objectContaining({
          code: 'NUPKG005',
          message: expect.stringMatching(/does not start with an ASN\.1 SEQUENCE/),
        }),
      );
    });

    it('refuses a DER SEQUENCE that is not a certificate with NUPKG005', () => {
      const bad = writeBytes('not-a-cert.cer', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]));
      expect(() => TrustStore.fromPemFiles([bad])).toThrow(
        expect.objectContaining({ code: 'NUPKG005' }),
      );
    });
  });

  describe('certificateChainText', () => {
    it('turns a DER chain file into PEM text and leaves PEM as it is', () => {
      const der = Buffer.concat([intermediate.der, rootA.der]);
      expect(loadPemCertificates(certificateChainText(der, 'chain.cer'))).toEqual([
        intermediate.der,
        rootA.der,
      ]);
      const pem = toPem(rootB.der);
      expect(certificateChainText(Buffer.from(pem), 'chain.pem')).toBe(pem);
    });

    it('throws NU3001 naming the file for a truncated DER chain', () => {
      expect(() => certificateChainText(rootA.der.subarray(0, 100), 'chain.cer')).toThrow(
        expect.objectContaining({ code: 'NU3001', message: expect.stringContaining('chain.cer') }),
      );
    });
  });

  describe('.fromPemText', () => {
    it('throws NUPKG005 naming the source when the text holds no certificate', () => {
      expect(() => TrustStore.fromPemText('', 'input trust-roots')).toThrow(
        expect.objectContaining({ code: 'NUPKG005', file: 'input trust-roots' }),
      );
    });
  });

  describe('#with', () => {
    it('returns a new store with the extra anchors and leaves the original unchanged', () => {
      const base = TrustStore.fromCertificates([rootA.der]);
      const subject = base.with([rootB.der, rootA.der]);
      expect(subject.size).toBe(2);
      expect(base.size).toBe(1);
    });
  });

  describe('#isAnchor', () => {
    it('is true for a self-signed certificate held byte for byte', () => {
      const subject = TrustStore.fromCertificates([rootA.der]);
      expect(subject.isAnchor(chainLink(rootA.der))).toBe(true);
      expect(subject.isAnchor(chainLink(rootB.der))).toBe(false);
    });

    it('is true for a re-issued root with the same subject and key', async () => {
      const reissued = await createRoot({ subject: 'CN=Root A', keys: rootA.keys });
      const subject = TrustStore.fromCertificates([rootA.der]);
      expect(subject.isAnchor(chainLink(reissued.der))).toBe(true);
    });

    it('is false for a non-self-issued certificate even when the store holds it', () => {
      const subject = TrustStore.fromCertificates([intermediate.der]);
      expect(subject.isAnchor(chainLink(intermediate.der))).toBe(false);
    });
  });

  describe('#withSubject', () => {
    it('finds store certificates by subject, ignoring case and spacing differences', () => {
      const subject = TrustStore.fromCertificates([rootA.der, rootB.der]);
      const leafIssuerKey = chainLink(intermediate.der).issuerKey;
      expect(subject.withSubject(leafIssuerKey).map((facts) => facts.der)).toEqual([rootA.der]);
    });
  });
});
