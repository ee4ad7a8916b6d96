import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { NupkgSigningError } from '../errors.js';
import type { CertificateView } from '../signature/certificate.js';
import { toHex } from '../asn1/bytes.js';
import { checkCrl, parseCrl, type ParsedCrl } from './crl.js';
import {
  readRevocationDirectory,
  saveToDirectory,
  type DirectoryContents,
} from './directory-store.js';
import { displayUrl } from '../http/url.js';
import { LIMITS } from '../package/limits.js';
import { fetchBounded, type NetworkBudget } from './http.js';
import { revocationLocations } from './locations.js';
import { buildOcspRequest, checkOcspResponse, type OcspOutcome } from './ocsp.js';
import type {
  CertificateRevocation,
  RevocationChecker,
  RevocationMode,
  RevocationStatus,
} from './types.js';

export interface RevocationCheckerOptions {
  readonly mode: RevocationMode;
  /** `files` mode: where the responses are (required). `online` mode: an optional cache. */
  readonly directory?: string;
  /** The time responses must be current at. */
  readonly now: Date;
  /** Per request; default 5 s. */
  readonly timeoutMs?: number;
  /** All requests of the run together; default 30 s. */
  readonly totalTimeoutMs?: number;
  /** Largest OCSP response or CRL read; default LIMITS.maxOcspResponseBytes and LIMITS.maxCrlBytes. */
  readonly maxResponseBytes?: number;
}

const DEFAULTS = { timeoutMs: 5_000, totalTimeoutMs: 30_000 };

/**
 * Checks certificates the way the platform chain engine does for NuGet (spec §8.3, §8.4): every
 * certificate of a chain except the root, OCSP first (AIA), then CRLs (distribution points).
 * Answers are cached per run by issuer and serial number, downloaded CRLs by URL. Network
 * failures, timeouts and responses that cannot be trusted give `unknown`, never an exception.
 */
export function createRevocationChecker(options: RevocationCheckerOptions): RevocationChecker {
  const settings = { ...DEFAULTS, ...options };
  const { mode, directory, now } = settings;
  if (mode === 'files' && directory === undefined) {
    throw new NupkgSigningError(
      'NUPKG003',
      'Revocation mode files needs a directory (--revocation-dir).',
    );
  }
  if (mode === 'files' && directory !== undefined && !isDirectory(directory)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `The revocation directory '${directory}' does not exist.`,
    );
  }
  let deadline: number | undefined;
  const maxOcspBytes = settings.maxResponseBytes ?? LIMITS.maxOcspResponseBytes;
  const maxCrlBytes = settings.maxResponseBytes ?? LIMITS.maxCrlBytes;
  const budget: NetworkBudget = {
    timeoutMs: settings.timeoutMs,
    remainingMs: () => {
      deadline ??= performance.now() + settings.totalTimeoutMs;
      return Math.floor(deadline - performance.now());
    },
  };
  const statuses = new Map<string, Promise<RevocationStatus>>();
  const crlsByUrl = new Map<string, Promise<ParsedCrl>>();
  let stored: Promise<DirectoryContents> | undefined;
  const storedContents = () => {
    if (directory === undefined || mode === 'offline') return undefined;
    stored ??= readRevocationDirectory(directory, Math.max(maxOcspBytes, maxCrlBytes)).catch(
      () => ({
        ocspResponses: [],
        crls: [],
      }),
    );
    return stored;
  };

  const fromDirectory = async (
    certificate: CertificateView,
    issuer: CertificateView,
    problems: string[],
  ): Promise<RevocationStatus | undefined> => {
    const contents = await storedContents();
    if (!contents) return undefined;
    const outcomes = [
      ...contents.ocspResponses.map((der) => checkOcspResponse(der, certificate, issuer, { now })),
      ...contents.crls.map((crl) => checkCrl(crl, certificate, issuer, now)),
    ];
    return firstDefinitive(outcomes, problems, /* quiet */ true);
  };

  const fromOcsp = async (
    url: string,
    certificate: CertificateView,
    issuer: CertificateView,
  ): Promise<OcspOutcome> => {
    const nonce = randomBytes(16);
    try {
      const der = await fetchBounded(
        url,
        {
          body: buildOcspRequest(certificate, issuer, nonce),
          contentType: 'application/ocsp-request',
          accept: 'application/ocsp-response',
          maxBytes: maxOcspBytes,
          responseName: 'an OCSP response',
        },
        budget,
      );
      const outcome = checkOcspResponse(der, certificate, issuer, { now, nonce });
      if (outcome.status && outcome.status.status !== 'unknown' && directory !== undefined) {
        await saveToDirectory(directory, `${cacheKey(certificate, issuer)} ${url}`, 'ocsp', der);
      }
      return outcome;
    } catch (error) {
      return { problem: (error as Error).message };
    }
  };

  const fromCrl = async (
    url: string,
    certificate: CertificateView,
    issuer: CertificateView,
  ): Promise<OcspOutcome> => {
    let pending = crlsByUrl.get(url);
    if (!pending) {
      pending = fetchCrl(url);
      crlsByUrl.set(url, pending);
    }
    try {
      return checkCrl(await pending, certificate, issuer, now);
    } catch (error) {
      return { problem: (error as Error).message };
    }
  };

  /** Download errors name the URL already ("CRL http://… answered HTTP 404"); parse errors get it here. */
  const fetchCrl = async (url: string): Promise<ParsedCrl> => {
    const bytes = await fetchBounded(
      url,
      {
        accept: 'application/pkix-crl',
        maxBytes: maxCrlBytes,
        responseName: 'a CRL',
        service: 'CRL',
      },
      budget,
    );
    let crl: ParsedCrl;
    try {
      crl = parseCrl(bytes);
    } catch (error) {
      throw new Error(`CRL ${displayUrl(url)}: ${(error as Error).message}`, { cause: error });
    }
    if (directory !== undefined) await saveToDirectory(directory, url, 'crl', bytes);
    return crl;
  };

  const lookUp = async (
    certificate: CertificateView,
    issuer: CertificateView,
  ): Promise<RevocationStatus> => {
    if (mode === 'offline') return { status: 'unknown', why: 'revocation checking is offline' };
    const problems: string[] = [];
    const stored = await fromDirectory(certificate, issuer, problems);
    if (stored) return stored;
    if (mode === 'online') {
      const locations = revocationLocations(certificate);
      for (const url of locations.ocsp) {
        const found = firstDefinitive([await fromOcsp(url, certificate, issuer)], problems, false);
        if (found) return found;
      }
      for (const url of locations.crl) {
        const found = firstDefinitive([await fromCrl(url, certificate, issuer)], problems, false);
        if (found) return found;
      }
      if (locations.ocsp.length + locations.crl.length === 0) {
        problems.push('the certificate names no http OCSP responder or CRL distribution point');
      }
    } else if (problems.length === 0) {
      problems.push(`no OCSP response or CRL in '${directory ?? ''}' covers the certificate`);
    }
    return { status: 'unknown', why: problems.join('; ') };
  };

  return {
    mode,
    async check(chain) {
      const certificates: CertificateRevocation[] = [];
      for (let i = 0; i < chain.length; i++) {
        const certificate = chain[i] as CertificateView;
        const issuer = chain[i + 1];
        if (!issuer) {
          // The root is excluded, as NuGet asks of the chain engine; a chain that stops short of
          // a root leaves its last certificate without an issuer to ask about it.
          if (!certificate.isSelfIssued) {
            certificates.push({
              certificate,
              revocation: { status: 'unknown', why: 'its issuer is not in the chain' },
            });
          }
          break;
        }
        const key = cacheKey(certificate, issuer);
        let status = statuses.get(key);
        if (!status) {
          status = lookUp(certificate, issuer);
          statuses.set(key, status);
        }
        certificates.push({ certificate, revocation: await status });
      }
      return { certificates };
    },
  };
}

/**
 * The first good or revoked answer; a responder's "unknown" or an unusable response is kept as a
 * reason. With `quiet`, responses about other certificates (a directory holds many) are not.
 */
function firstDefinitive(
  outcomes: readonly OcspOutcome[],
  problems: string[],
  quiet: boolean,
): RevocationStatus | undefined {
  for (const outcome of outcomes) {
    if (outcome.status && outcome.status.status !== 'unknown') return outcome.status;
    const why = outcome.status?.status === 'unknown' ? outcome.status.why : outcome.problem;
    if (!why) continue;
    if (quiet && /does not cover|not signed by the issuer/.test(why)) continue;
    if (!problems.includes(why)) problems.push(why);
  }
  return undefined;
}

/** Issuer (name and key) and serial number: what identifies a certificate to a responder. */
function cacheKey(certificate: CertificateView, issuer: CertificateView): string {
  const issuerHash = createHash('sha256')
    .update(issuer.subjectDer)
    .update(issuer.subjectPublicKeyInfoDer)
    .digest('hex');
  return `${issuerHash}:${toHex(certificate.serialNumber)}`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
