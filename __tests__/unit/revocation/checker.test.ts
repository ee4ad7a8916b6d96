import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRevocationChecker } from '../../../src/revocation/index.js';
import type { RevocationCheckerOptions } from '../../../src/revocation/index.js';
import { parseCertificate } from '../../../src/signature/certificate.js';
import { generateCrl, startCrlServer, type CrlServer } from '../../helpers/crl-server.js';
import {
  reservePort,
  revocationExtensions,
  startOcspResponder,
  type OcspResponder,
} from '../../helpers/ocsp-responder.js';
import { createRootCa, type TestCa, type TestCertificate } from '../../helpers/pki.js';

const execFileAsync = promisify(execFile);
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const REVOKED_EARLY = new Date('2024-01-01T00:00:00Z');
const REVOKED_LATE = new Date('2025-06-01T12:00:00Z');

let ca: TestCa;
let otherCa: TestCa;
let leaves: Record<string, TestCertificate>;
let responder: OcspResponder;
let delegated: OcspResponder;
let notDelegated: OcspResponder;
let wrongKey: OcspResponder;
let stalled: OcspResponder;
let crlServer: CrlServer;
let downUrl: string;
const responders: OcspResponder[] = [];

const chainOf = (leaf: TestCertificate) => [
  parseCertificate(leaf.certificate),
  parseCertificate(ca.certificate),
];
const checker = (options: Partial<RevocationCheckerOptions> = {}) =>
  createRevocationChecker({ mode: 'online', now: new Date(), timeoutMs: 2_000, ...options });
const statusOf = async (leaf: TestCertificate, options: Partial<RevocationCheckerOptions> = {}) => {
  const result = await checker(options).check(chainOf(leaf), { purpose: 'signing' });
  expect(result.certificates).toHaveLength(1);
  return result.certificates[0]!.revocation;
};

beforeAll(async () => {
  ca = await createRootCa({ subject: 'CN=Revocation Test CA, O=nupkg-signing tests' });
  otherCa = await createRootCa({ subject: 'CN=Unrelated CA, O=nupkg-signing tests' });
  const ports = {
    main: await reservePort(),
    delegated: await reservePort(),
    notDelegated: await reservePort(),
    wrongKey: await reservePort(),
    stalled: await reservePort(),
    down: await reservePort(),
  };
  const url = (port: number) => `http://127.0.0.1:${port}/ocsp`;
  downUrl = url(ports.down);
  crlServer = await startCrlServer();
  const crlUrl = `${crlServer.url}/ca.crl`;
  const leaf = (subject: string, urls: { ocspUrl?: string; crlUrl?: string }) =>
    ca.issueLeaf({ subject: `CN=${subject}`, extraExtensions: revocationExtensions(urls) });
  leaves = {
    good: await leaf('Good', { ocspUrl: url(ports.main) }),
    revokedEarly: await leaf('Revoked early', { ocspUrl: url(ports.main) }),
    revokedLate: await leaf('Revoked late', { ocspUrl: url(ports.main) }),
    notListed: await leaf('Not listed', { ocspUrl: url(ports.main) }),
    viaDelegated: await leaf('Via delegated', { ocspUrl: url(ports.delegated) }),
    viaNotDelegated: await leaf('Via not delegated', { ocspUrl: url(ports.notDelegated) }),
    viaWrongKey: await leaf('Via wrong key', { ocspUrl: url(ports.wrongKey) }),
    viaStalled: await leaf('Via stalled', { ocspUrl: url(ports.stalled) }),
    downThenCrlGood: await leaf('CRL good', { ocspUrl: downUrl, crlUrl }),
    downThenCrlRevoked: await leaf('CRL revoked', { ocspUrl: downUrl, crlUrl }),
    onlyDown: await leaf('Only down', { ocspUrl: downUrl }),
    noUrls: await leaf('No URLs', {}),
  };
  const entries = [
    { certificate: leaves.good!, status: 'valid' as const },
    { certificate: leaves.viaDelegated!, status: 'valid' as const },
    { certificate: leaves.viaNotDelegated!, status: 'valid' as const },
    { certificate: leaves.viaWrongKey!, status: 'valid' as const },
    { certificate: leaves.downThenCrlGood!, status: 'valid' as const },
    {
      certificate: leaves.revokedEarly!,
      status: 'revoked' as const,
      revokedAt: REVOKED_EARLY,
      reason: 'keyCompromise',
    },
    { certificate: leaves.revokedLate!, status: 'revoked' as const, revokedAt: REVOKED_LATE },
    {
      certificate: leaves.downThenCrlRevoked!,
      status: 'revoked' as const,
      revokedAt: REVOKED_EARLY,
      reason: 'superseded',
    },
  ];
  crlServer.serve('ca.crl', generateCrl({ ca, entries }));
  const start = (options: Parameters<typeof startOcspResponder>[0]) =>
    startOcspResponder(options).then((r) => (responders.push(r), r));
  responder = await start({ ca, entries, port: ports.main });
  delegated = await start({
    ca,
    entries,
    port: ports.delegated,
    signer: await ca.issueLeaf({ subject: 'CN=Delegated OCSP', extendedKeyUsages: [OCSP_SIGNING] }),
  });
  notDelegated = await start({
    ca,
    entries,
    port: ports.notDelegated,
    signer: await ca.issueLeaf({ subject: 'CN=No OCSP EKU' }),
  });
  wrongKey = await start({
    ca,
    entries,
    port: ports.wrongKey,
    signer: await otherCa.issueLeaf({
      subject: 'CN=Foreign OCSP',
      extendedKeyUsages: [OCSP_SIGNING],
    }),
  });
  stalled = await start({ ca, entries, port: ports.stalled, mode: 'stall' });
});

afterAll(async () => {
  await Promise.all(responders.map((r) => r.close()));
  await crlServer?.close();
});

describe('#createRevocationChecker', () => {
  describe('online, against openssl ocsp signing with the CA key', () => {
    it('reports a listed valid certificate as good, from OCSP, and leaves the root out', async () => {
      const result = await checker().check(chainOf(leaves.good!), { purpose: 'signing' });
      expect(result.certificates.map((c) => c.certificate.commonName)).toEqual(['Good']);
      expect(result.certificates[0]!.revocation).toEqual({ status: 'good', source: 'ocsp' });
    });

    it('reports a revoked certificate with its revocation time and reason', async () => {
      expect(await statusOf(leaves.revokedEarly!)).toEqual({
        status: 'revoked',
        source: 'ocsp',
        revokedAt: REVOKED_EARLY,
        reason: 'keyCompromise',
      });
      expect(await statusOf(leaves.revokedLate!)).toEqual({
        status: 'revoked',
        source: 'ocsp',
        revokedAt: REVOKED_LATE,
      });
    });

    it('reports unknown when the responder does not know the certificate', async () => {
      expect(await statusOf(leaves.notListed!)).toEqual({
        status: 'unknown',
        why: 'the OCSP responder does not know the certificate',
      });
    });

    it('reports unknown when the response has expired (nextUpdate before now)', async () => {
      const later = new Date(Date.now() + 3 * 3_600_000);
      const status = await statusOf(leaves.good!, { now: later });
      expect(status.status).toBe('unknown');
      expect(status.status === 'unknown' && status.why).toMatch(/OCSP response has expired/);
    });

    it('asks the responder once per certificate in a run (cache by issuer and serial)', async () => {
      const subject = checker();
      const before = responder.requests;
      await subject.check(chainOf(leaves.good!), { purpose: 'signing' });
      await subject.check(chainOf(leaves.good!), { purpose: 'timestamping' });
      expect(responder.requests - before).toBe(1);
    });
  });

  describe('online, with other responders', () => {
    it('accepts a delegated responder certified by the CA for OCSP signing', async () => {
      expect(await statusOf(leaves.viaDelegated!)).toEqual({ status: 'good', source: 'ocsp' });
      expect(delegated.requests).toBeGreaterThan(0);
    });

    it('rejects a responder the CA certified without id-kp-OCSPSigning (unknown)', async () => {
      const status = await statusOf(leaves.viaNotDelegated!);
      expect(status.status === 'unknown' && status.why).toMatch(/not valid for OCSP signing/);
      expect(notDelegated.requests).toBeGreaterThan(0);
    });

    it('rejects a response signed by a key the CA never certified (unknown)', async () => {
      const status = await statusOf(leaves.viaWrongKey!);
      expect(status.status === 'unknown' && status.why).toMatch(
        /'CN=Foreign OCSP' is not the issuer and was not certified by it/,
      );
      expect(wrongKey.requests).toBeGreaterThan(0);
    });

    it('reports unknown quickly when the responder refuses connections', async () => {
      const started = Date.now();
      const status = await statusOf(leaves.onlyDown!);
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(status).toEqual({
        status: 'unknown',
        why: `${downUrl} cannot be reached: ECONNREFUSED`,
      });
    });

    it('gives up on a responder that does not answer within the per-request timeout', async () => {
      const started = Date.now();
      const status = await statusOf(leaves.viaStalled!, { timeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(status.status === 'unknown' && status.why).toMatch(/did not answer within 300 ms/);
      expect(stalled.requests).toBeGreaterThan(0);
    });

    it('stops asking once the run budget is spent', async () => {
      const subject = checker({ timeoutMs: 2_000, totalTimeoutMs: 400 });
      const started = Date.now();
      await subject.check(chainOf(leaves.viaStalled!), { purpose: 'signing' });
      const second = await subject.check(chainOf(leaves.good!), { purpose: 'signing' });
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(second.certificates[0]!.revocation).toEqual({
        status: 'unknown',
        why: 'the revocation time budget for this run is spent',
      });
    });

    it('falls back to the CRL when the OCSP responder is down', async () => {
      expect(await statusOf(leaves.downThenCrlGood!)).toEqual({ status: 'good', source: 'crl' });
      expect(await statusOf(leaves.downThenCrlRevoked!)).toEqual({
        status: 'revoked',
        source: 'crl',
        revokedAt: REVOKED_EARLY,
        reason: 'superseded',
      });
      expect(crlServer.requests).toBeGreaterThan(0);
    });

    it('reports unknown for a certificate that names no responder or CRL', async () => {
      expect(await statusOf(leaves.noUrls!)).toEqual({
        status: 'unknown',
        why: 'the certificate names no http OCSP responder or CRL distribution point',
      });
    });

    it('reports a chain that stops short of a root as unknown for its last certificate', async () => {
      const result = await checker().check([parseCertificate(leaves.noUrls!.certificate)], {
        purpose: 'signing',
      });
      expect(result.certificates[0]!.revocation).toEqual({
        status: 'unknown',
        why: 'its issuer is not in the chain',
      });
    });
  });

  describe('files mode', () => {
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'nupkg-signing-revocation-files-'));
      writeFileSync(join(dir, 'ca.pem'), ca.pem);
      writeFileSync(join(dir, 'good.pem'), leaves.good!.pem);
      // A response fetched by the OpenSSL client, as an air-gapped runner would be given it
      // (asynchronously: the responder's proxy runs in this process).
      await execFileAsync('openssl', [
        'ocsp',
        '-issuer',
        join(dir, 'ca.pem'),
        '-cert',
        join(dir, 'good.pem'),
        '-url',
        responder.url,
        '-respout',
        join(dir, 'good.ocsp'),
        '-noverify',
      ]);
      writeFileSync(
        join(dir, 'ca.crl'),
        generateCrl({
          ca,
          entries: [{ certificate: leaves.noUrls!, status: 'revoked', revokedAt: REVOKED_LATE }],
          format: 'pem',
        }),
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('uses an OCSP response from the folder without touching the network', async () => {
      const before = responder.requests;
      expect(await statusOf(leaves.good!, { mode: 'files', directory: dir })).toEqual({
        status: 'good',
        source: 'ocsp',
      });
      expect(responder.requests).toBe(before);
    });

    it('uses a PEM CRL from the folder', async () => {
      expect(await statusOf(leaves.noUrls!, { mode: 'files', directory: dir })).toEqual({
        status: 'revoked',
        source: 'crl',
        revokedAt: REVOKED_LATE,
      });
    });

    it('reports unknown when nothing in the folder covers the certificate', async () => {
      const foreign = await otherCa.issueLeaf({ subject: 'CN=Foreign leaf' });
      const chain = [parseCertificate(foreign.certificate), parseCertificate(otherCa.certificate)];
      const result = await checker({ mode: 'files', directory: dir }).check(chain, {
        purpose: 'signing',
      });
      expect(result.certificates.map((c) => c.revocation)).toEqual([
        { status: 'unknown', why: `no OCSP response or CRL in '${dir}' covers the certificate` },
      ]);
    });

    it('refuses a folder that does not exist (NUPKG003)', () => {
      expect(() => checker({ mode: 'files', directory: join(dir, 'missing') })).toThrow(
        expect.objectContaining({ code: 'NUPKG003' }),
      );
    });
  });

  describe('online with a cache folder', () => {
    it('saves the responses it fetched, which files mode can then use', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'nupkg-signing-revocation-cache-'));
      try {
        await statusOf(leaves.good!, { directory: dir });
        await statusOf(leaves.downThenCrlRevoked!, { directory: dir });
        expect(
          readdirSync(dir)
            .map((n) => n.replace(/^[0-9a-f]+/, ''))
            .sort(),
        ).toEqual(['.crl', '.ocsp']);
        expect(await statusOf(leaves.good!, { mode: 'files', directory: dir })).toEqual({
          status: 'good',
          source: 'ocsp',
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('offline mode', () => {
    it('reports every certificate but the root as unknown and sends no request', async () => {
      const before = responders.map((r) => r.requests);
      const crlBefore = crlServer.requests;
      const result = await checker({ mode: 'offline' }).check(chainOf(leaves.downThenCrlGood!), {
        purpose: 'signing',
      });
      expect(result.certificates.map((c) => c.revocation)).toEqual([
        { status: 'unknown', why: 'revocation checking is offline' },
      ]);
      expect(responders.map((r) => r.requests)).toEqual(before);
      expect(crlServer.requests).toBe(crlBefore);
    });
  });
});
