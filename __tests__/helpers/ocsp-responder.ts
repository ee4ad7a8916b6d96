/**
 * A real OCSP responder on 127.0.0.1 for revocation tests: `openssl ocsp` serving an OpenSSL CA
 * index, behind a small counting proxy (which can also stall, to test timeouts).
 *
 *   const responder = await startOcspResponder({ ca, entries: [{ certificate: leaf, status: 'revoked', revokedAt }] });
 *   const leaf = await ca.issueLeaf({ extraExtensions: revocationExtensions({ ocspUrl: responder.url }) });
 *
 * Certificates must be issued before they are listed, so tests usually reserve the URL first
 * (`reservePort`) and start the responder once the certificates exist.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextTag } from '../../src/asn1/tags.js';
import { encodeTlv, objectIdentifier, sequence } from '../../src/asn1/encode.js';
import { x509, type TestCertificate } from './pki.js';

export interface IndexEntry {
  readonly certificate: TestCertificate;
  readonly status: 'valid' | 'revoked';
  readonly revokedAt?: Date;
  /** An OpenSSL reason name, e.g. keyCompromise. */
  readonly reason?: string;
}

/** Ports handed out by reservePort in this test file, never handed out twice. */
const reserved = new Set<number>();

/**
 * A port nothing listens on (bound, then released), different from every port reserved before in
 * this file: the OS may offer a released port again, which would let one test server take a port
 * another one was promised.
 */
export async function reservePort(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (!reserved.has(port)) {
      reserved.add(port);
      return port;
    }
  }
}

/** AIA (OCSP) and CRL distribution point extensions for `extraExtensions`. */
export function revocationExtensions(urls: {
  ocspUrl?: string;
  crlUrl?: string;
}): InstanceType<typeof x509.Extension>[] {
  const uri = (url: string) => encodeTlv(contextTag(6, false), Buffer.from(url, 'latin1'));
  const extensions: InstanceType<typeof x509.Extension>[] = [];
  if (urls.ocspUrl) {
    const aia = sequence(sequence(objectIdentifier('1.3.6.1.5.5.7.48.1'), uri(urls.ocspUrl)));
    extensions.push(new x509.Extension('1.3.6.1.5.5.7.1.1', false, aia));
  }
  if (urls.crlUrl) {
    // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames } }
    const point = sequence(
      encodeTlv(contextTag(0, true), encodeTlv(contextTag(0, true), uri(urls.crlUrl))),
    );
    extensions.push(new x509.Extension('2.5.29.31', false, sequence(point)));
  }
  return extensions;
}

/** An OpenSSL CA database (index.txt) listing the entries. */
export function opensslIndex(entries: readonly IndexEntry[]): string {
  return entries
    .map(({ certificate, status, revokedAt, reason }) => {
      const serial = opensslSerial(certificate);
      const expiry = opensslTime(new Date(certificate.x509.validTo));
      const revoked =
        status === 'revoked'
          ? `${opensslTime(revokedAt ?? new Date())}${reason ? `,${reason}` : ''}`
          : '';
      return `${status === 'valid' ? 'V' : 'R'}\t${expiry}\t${revoked}\t${serial}\tunknown\t/CN=${serial}\n`;
    })
    .join('');
}

/** BN_bn2hex form of the serial number: uppercase, no leading zero octets. */
function opensslSerial(certificate: TestCertificate): string {
  return certificate.x509.serialNumber.replace(/^(00)+(?=.)/, '').toUpperCase();
}

/** UTCTime YYMMDDHHMMSSZ, as OpenSSL's index stores times. */
function opensslTime(date: Date): string {
  return date
    .toISOString()
    .replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d).*$/, '$1$2$3$4$5$6Z');
}

export function pemOf(certificate: TestCertificate): string {
  return certificate.pem;
}

export function keyPemOf(certificate: TestCertificate): string {
  return certificate.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export interface OcspResponderOptions {
  /** The CA whose certificates are answered for. */
  readonly ca: TestCertificate;
  /** Signs the responses; default the CA itself. */
  readonly signer?: TestCertificate;
  readonly entries: readonly IndexEntry[];
  /** nextUpdate = thisUpdate + this many minutes (openssl -nmin); default 60. */
  readonly nextUpdateMinutes?: number;
  /** The port to listen on (e.g. from reservePort); default any free port. */
  readonly port?: number;
  /** 'stall' accepts requests and never answers. */
  readonly mode?: 'ok' | 'stall';
}

export interface OcspResponder {
  readonly url: string;
  /** Requests received so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startOcspResponder(options: OcspResponderOptions): Promise<OcspResponder> {
  const dir = mkdtempSync(join(tmpdir(), 'nupkg-signing-ocsp-'));
  const signer = options.signer ?? options.ca;
  writeFileSync(join(dir, 'index.txt'), opensslIndex(options.entries));
  writeFileSync(join(dir, 'ca.pem'), pemOf(options.ca));
  writeFileSync(join(dir, 'signer.pem'), pemOf(signer));
  writeFileSync(join(dir, 'signer.key'), keyPemOf(signer));
  const backendPort = await reservePort();
  const child = spawn(
    'openssl',
    [
      'ocsp',
      '-index',
      join(dir, 'index.txt'),
      '-port',
      String(backendPort),
      '-CA',
      join(dir, 'ca.pem'),
      '-rsigner',
      join(dir, 'signer.pem'),
      '-rkey',
      join(dir, 'signer.key'),
      '-nmin',
      String(options.nextUpdateMinutes ?? 60),
      '-ignore_err',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitUntilAccepting(child);

  let requests = 0;
  const proxy = createServer((incoming, outgoing) => {
    requests++;
    if (options.mode === 'stall') return;
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = httpRequest(
        {
          host: '127.0.0.1',
          port: backendPort,
          method: incoming.method,
          path: incoming.url,
          headers: { 'content-type': 'application/ocsp-request', 'content-length': body.length },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on('error', () => outgoing.writeHead(502).end());
      forward.end(body);
    });
  });
  try {
    await listen(proxy, options.port ?? 0);
  } catch (error) {
    await stop(child);
    throw error;
  }
  const { port } = proxy.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/ocsp`,
    get requests() {
      return requests;
    },
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/**
 * Waits for openssl's "ACCEPT" line. (Probing the port instead would hang the responder: it
 * serves one connection at a time and waits for a request on the probe.)
 */
function waitUntilAccepting(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail('did not start within 10 s'), 10_000);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(new Error(`openssl ocsp ${why}: ${output}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/ACCEPT/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => fail('exited'));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
