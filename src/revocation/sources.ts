import { randomBytes } from 'node:crypto';
import { displayUrl } from '../http/url.js';
import type { CertificateView } from '../signature/certificate.js';
import { checkCrl, parseCrl, type ParsedCrl } from './crl.js';
import {
  readRevocationDirectory,
  saveToDirectory,
  type DirectoryContents,
} from './directory-store.js';
import { fetchRevocationData, type NetworkBudget } from './http.js';
import { buildOcspRequest, checkOcspResponse, type OcspOutcome } from './ocsp.js';

export interface SourceSettings {
  /** The time responses must be current at. */
  readonly now: Date;
  /** Where responses are read from (`files`, and `online` as a cache) and saved to (`online`). */
  readonly directory: string | undefined;
  readonly budget: NetworkBudget;
  readonly maxOcspBytes: number;
  readonly maxCrlBytes: number;
}

/** A downloaded CRL, or why there is none; kept per URL for the run. */
type CrlDownload = { readonly crl: ParsedCrl } | { readonly problem: string };

const BUDGET_SPENT = 'the revocation time budget for this run is spent';

/**
 * Where answers about one certificate come from: the responses stored in a directory, an OCSP
 * responder, a CRL distribution point. Each gives an OcspOutcome and never throws: a network
 * failure, a timeout or a response that cannot be trusted is a `problem` naming the URL once.
 * Good and revoked answers fetched online are saved to the directory for later runs.
 */
export class RevocationSources {
  readonly #settings: SourceSettings;
  #stored: Promise<DirectoryContents> | undefined;
  readonly #crls = new Map<string, Promise<CrlDownload>>();

  constructor(settings: SourceSettings) {
    this.#settings = settings;
  }

  /** Every stored response checked against the certificate (none without a directory). */
  async fromDirectory(
    certificate: CertificateView,
    issuer: CertificateView,
  ): Promise<OcspOutcome[]> {
    const { directory, now, maxOcspBytes, maxCrlBytes } = this.#settings;
    if (directory === undefined) return [];
    this.#stored ??= readRevocationDirectory(directory, Math.max(maxOcspBytes, maxCrlBytes)).catch(
      () => ({ ocspResponses: [], crls: [] }),
    );
    const contents = await this.#stored;
    return [
      ...contents.ocspResponses.map((der) => checkOcspResponse(der, certificate, issuer, { now })),
      ...contents.crls.map((crl) => checkCrl(crl, certificate, issuer, now)),
    ];
  }

  /** Asks the responder at `url` with a fresh nonce (RFC 6960 §4.4.1). */
  async fromOcsp(
    url: string,
    certificate: CertificateView,
    issuer: CertificateView,
    cacheKey: string,
  ): Promise<OcspOutcome> {
    const { now, directory, budget, maxOcspBytes } = this.#settings;
    const timeoutMs = budget.nextTimeoutMs();
    if (timeoutMs === undefined) return { problem: BUDGET_SPENT };
    const nonce = randomBytes(16);
    try {
      const request = {
        body: buildOcspRequest(certificate, issuer, nonce),
        contentType: 'application/ocsp-request',
        accept: 'application/ocsp-response',
        maxBytes: maxOcspBytes,
        responseName: 'an OCSP response',
      };
      const der = await fetchRevocationData(url, request, timeoutMs);
      const outcome = checkOcspResponse(der, certificate, issuer, { now, nonce });
      if (outcome.status && outcome.status.status !== 'unknown' && directory !== undefined) {
        await saveToDirectory(directory, `${cacheKey} ${url}`, 'ocsp', der);
      }
      return outcome;
    } catch (error) {
      return { problem: messageOf(error) };
    }
  }

  /** Looks the certificate up in the CRL at `url`, downloaded once per run. */
  async fromCrl(
    url: string,
    certificate: CertificateView,
    issuer: CertificateView,
  ): Promise<OcspOutcome> {
    let download = this.#crls.get(url);
    if (!download) {
      download = this.#downloadCrl(url);
      this.#crls.set(url, download);
    }
    const got = await download;
    if ('problem' in got) return got;
    try {
      return checkCrl(got.crl, certificate, issuer, this.#settings.now);
    } catch (error) {
      return { problem: messageOf(error) };
    }
  }

  /** Download errors name the URL already ("CRL http://… answered HTTP 404"); parse errors get it here. */
  async #downloadCrl(url: string): Promise<CrlDownload> {
    const { directory, budget, maxCrlBytes } = this.#settings;
    const timeoutMs = budget.nextTimeoutMs();
    if (timeoutMs === undefined) return { problem: BUDGET_SPENT };
    let bytes: Uint8Array;
    try {
      const request = {
        accept: 'application/pkix-crl',
        maxBytes: maxCrlBytes,
        responseName: 'a CRL',
        service: 'CRL',
      };
      bytes = await fetchRevocationData(url, request, timeoutMs);
    } catch (error) {
      return { problem: messageOf(error) };
    }
    let crl: ParsedCrl;
    try {
      crl = parseCrl(bytes);
    } catch (error) {
      return { problem: `CRL ${displayUrl(url)}: ${messageOf(error)}` };
    }
    try {
      if (directory !== undefined) await saveToDirectory(directory, url, 'crl', bytes);
    } catch (error) {
      return { problem: messageOf(error) };
    }
    return { crl };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
