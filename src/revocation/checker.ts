import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { NupkgSigningError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { CertificateView } from '../signature/certificate.js';
import { toHex } from '../asn1/bytes.js';
import { NetworkBudget } from './http.js';
import { revocationLocations } from './locations.js';
import type { OcspOutcome } from './ocsp.js';
import { RevocationSources } from './sources.js';
import type {
  CertificateRevocation,
  RevocationChecker,
  RevocationMode,
  RevocationResult,
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
  const { mode, directory } = options;
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
  return new ChainRevocationChecker(options);
}

class ChainRevocationChecker implements RevocationChecker {
  readonly mode: RevocationMode;
  readonly #directory: string | undefined;
  readonly #sources: RevocationSources;
  /** One lookup per issuer and serial number for the whole run, shared by every chain. */
  readonly #statuses = new Map<string, Promise<RevocationStatus>>();

  constructor(options: RevocationCheckerOptions) {
    const settings = { ...DEFAULTS, ...options };
    this.mode = settings.mode;
    this.#directory = settings.directory;
    this.#sources = new RevocationSources({
      now: settings.now,
      directory: settings.mode === 'offline' ? undefined : settings.directory,
      budget: new NetworkBudget(settings.timeoutMs, settings.totalTimeoutMs),
      maxOcspBytes: settings.maxResponseBytes ?? LIMITS.maxOcspResponseBytes,
      maxCrlBytes: settings.maxResponseBytes ?? LIMITS.maxCrlBytes,
    });
  }

  async check(chain: readonly CertificateView[]): Promise<RevocationResult> {
    const certificates: CertificateRevocation[] = [];
    for (const [index, certificate] of chain.entries()) {
      const issuer = chain[index + 1];
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
      let status = this.#statuses.get(key);
      if (!status) {
        status = this.#lookUp(certificate, issuer, key);
        this.#statuses.set(key, status);
      }
      certificates.push({ certificate, revocation: await status });
    }
    return { certificates };
  }

  /** Stored responses first, then (online) each OCSP responder, then each CRL, until one answers. */
  async #lookUp(
    certificate: CertificateView,
    issuer: CertificateView,
    key: string,
  ): Promise<RevocationStatus> {
    if (this.mode === 'offline')
      return { status: 'unknown', why: 'revocation checking is offline' };
    const reasons = new Reasons();
    // A directory holds responses about many certificates: those about others are no reason.
    const stored = await this.#sources.fromDirectory(certificate, issuer);
    const found = reasons.firstAnswer(stored.filter((outcome) => !outcome.aboutOtherCertificates));
    if (found) return found;

    if (this.mode === 'online') {
      const locations = revocationLocations(certificate);
      for (const url of locations.ocsp) {
        const answer = reasons.firstAnswer([
          await this.#sources.fromOcsp(url, certificate, issuer, key),
        ]);
        if (answer) return answer;
      }
      for (const url of locations.crl) {
        const answer = reasons.firstAnswer([await this.#sources.fromCrl(url, certificate, issuer)]);
        if (answer) return answer;
      }
      if (locations.ocsp.length + locations.crl.length === 0) {
        reasons.add('the certificate names no http OCSP responder or CRL distribution point');
      }
    } else if (reasons.none) {
      reasons.add(`no OCSP response or CRL in '${this.#directory ?? ''}' covers the certificate`);
    }
    return { status: 'unknown', why: reasons.joined() };
  }
}

/** Why no answer was found: each reason once, in the order met. */
class Reasons {
  readonly #list: string[] = [];

  get none(): boolean {
    return this.#list.length === 0;
  }

  add(why: string): void {
    if (why && !this.#list.includes(why)) this.#list.push(why);
  }

  /**
   * The first good or revoked answer; a responder's "unknown" and an unusable response are kept
   * as reasons.
   */
  firstAnswer(outcomes: readonly OcspOutcome[]): RevocationStatus | undefined {
    for (const outcome of outcomes) {
      if (outcome.status === undefined) this.add(outcome.problem);
      else if (outcome.status.status === 'unknown') this.add(outcome.status.why);
      else return outcome.status;
    }
    return undefined;
  }

  joined(): string {
    return this.#list.join('; ');
  }
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
