import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, NupkgSigningError } from '../errors.js';
import { sha256Fingerprint } from '../fingerprint.js';
import { outlineCertificate } from '../signature/certificate-outline.js';
import { chainLink, type ChainLink } from './chain-link.js';
import { canonicalNameKey } from './name.js';
import { loadCertificateFile, loadPemCertificates } from './pem.js';

export { loadPemCertificates } from './pem.js';

/** File names read from a directory given as a trust root source. */
const CERTIFICATE_FILE = /\.(pem|crt|cer)$/i;

/**
 * The anchor certificates for one purpose (code signing or time stamping), as NuGet's "custom root
 * trust" uses them on Linux/macOS (nuget-signing-spec.md §8.2): only self-issued certificates in
 * the store end a trusted chain; other certificates in it merely help find issuers, because
 * OpenSSL accepts only self-signed trust anchors without X509_V_FLAG_PARTIAL_CHAIN.
 *
 * Loading indexes each certificate by an outline (subject and public key) and parses it fully
 * only when a chain needs it, so loading the SDK bundles stays cheap; a certificate that is not
 * even shaped like one is reported when the store is loaded, naming its file.
 */
export class TrustStore {
  private readonly bySubject = new Map<string, StoreEntry[]>();
  private readonly byFingerprint = new Set<string>();

  private constructor(private readonly entries: readonly StoreEntry[]) {
    for (const entry of entries) {
      const list = this.bySubject.get(entry.subjectKey) ?? [];
      list.push(entry);
      this.bySubject.set(entry.subjectKey, list);
      this.byFingerprint.add(entry.fingerprint);
    }
  }

  /** An empty store: every chain ends in UntrustedRoot or PartialChain. */
  static empty(): TrustStore {
    return new TrustStore([]);
  }

  static fromCertificates(ders: readonly Uint8Array[], source = 'trust store'): TrustStore {
    return TrustStore.empty().withEntries(ders.map((der) => storeEntry(der, source, NONE_KNOWN)));
  }

  /** `source` names the text in errors (a file name, an input name). */
  static fromPemText(text: string, source: string): TrustStore {
    return TrustStore.fromCertificates(readPemOrThrow(text, source), source);
  }

  /**
   * Loads every certificate from PEM or DER files (a Windows `.cer` export is DER), or from the
   * `.pem`/`.crt`/`.cer` files of directories.
   * Throws NUPKG005 when a path cannot be read, a named file holds no certificate, or the whole
   * set is empty.
   */
  static fromPemFiles(paths: readonly string[], known: KnownSubjects = NONE_KNOWN): TrustStore {
    const entries: StoreEntry[] = [];
    for (const path of paths) {
      for (const file of expandPath(path)) {
        // Inside a directory, files without certificates (keys, CRLs) are skipped.
        const certificates = readPemOrThrow(readBytesOrThrow(file), file, file !== path);
        entries.push(
          ...certificates.map((der) => storeEntry(der, `A certificate in ${file}`, known)),
        );
      }
    }
    if (entries.length === 0) {
      throw new NupkgSigningError(
        'NUPKG005',
        `No certificates were found in ${paths.join(', ') || '(no paths)'}. Point the trust roots at PEM files containing -----BEGIN CERTIFICATE----- blocks or DER .cer files.`,
        { file: paths[0] },
      );
    }
    return TrustStore.empty().withEntries(entries);
  }

  /** A new store with these certificates added (duplicates are ignored). */
  with(extraAnchors: readonly Uint8Array[]): TrustStore {
    return this.withEntries(
      extraAnchors.map((der) => storeEntry(der, 'An extra trust anchor', NONE_KNOWN)),
    );
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The store as plain data (structured-clone safe), to hand to a worker thread: each certificate
   * with its source and index keys, so the worker neither re-reads files nor re-computes keys.
   */
  toTransfer(): TrustStoreTransfer {
    // Without the parsed facts a store keeps once used: a worker parses its own, on first use.
    return this.entries.map(({ der, source, fingerprint, subjectKey, publicKeyKey }) => ({
      der,
      source,
      fingerprint,
      subjectKey,
      ...(publicKeyKey !== undefined && { publicKeyKey }),
    }));
  }

  /** A store rebuilt from `toTransfer()`'s data (already checked when it was first loaded). */
  static fromTransfer(entries: TrustStoreTransfer): TrustStore {
    return new TrustStore(entries.map((entry) => ({ ...entry })));
  }

  get certificates(): readonly Uint8Array[] {
    return this.entries.map((entry) => entry.der);
  }

  /** Store certificates whose subject matches `subjectKey` (see name.ts for the comparison). */
  withSubject(subjectKey: string): ChainLink[] {
    return (this.bySubject.get(subjectKey) ?? []).map(factsOf);
  }

  /**
   * Whether the certificate ends a trusted chain: it is self-issued and the store holds it, either
   * byte for byte or as the same subject with the same public key (a re-issued root).
   */
  isAnchor(certificate: ChainLink): boolean {
    if (!certificate.selfIssued) return false;
    if (this.byFingerprint.has(certificate.fingerprint)) return true;
    return (this.bySubject.get(certificate.subjectKey) ?? []).some(
      (entry) => publicKeyKeyOf(entry) === certificate.publicKeyKey,
    );
  }

  private withEntries(entries: readonly StoreEntry[]): TrustStore {
    const seen = new Set(this.byFingerprint);
    const merged = [...this.entries];
    for (const entry of entries) {
      if (seen.has(entry.fingerprint)) continue;
      seen.add(entry.fingerprint);
      merged.push(entry);
    }
    return new TrustStore(merged);
  }
}

/** A trust store as plain data, for a worker thread (see `TrustStore.toTransfer`). */
export type TrustStoreTransfer = readonly Pick<
  StoreEntry,
  'der' | 'source' | 'fingerprint' | 'subjectKey' | 'publicKeyKey'
>[];

/**
 * Subject keys (name.ts) of certificates known in advance, by SHA-256 fingerprint: the bundled
 * roots' index, computed at build time (bundled-roots-index.ts), so loading them does not
 * canonicalise 600 names on every run. A certificate missing from it is indexed as it loads.
 */
export type KnownSubjects = ReadonlyMap<string, string>;
const NONE_KNOWN: KnownSubjects = new Map();

/**
 * A store certificate: indexed by fingerprint and subject key; its public key and full parse are
 * read on first use and kept (they depend on its bytes only).
 */
interface StoreEntry {
  readonly der: Uint8Array;
  readonly source: string;
  readonly fingerprint: string;
  readonly subjectKey: string;
  publicKeyKey?: string;
  facts?: ChainLink;
}

function storeEntry(der: Uint8Array, source: string, known: KnownSubjects): StoreEntry {
  const fingerprint = sha256Fingerprint(der);
  const knownSubject = known.get(fingerprint);
  // An indexed certificate was outlined when the index was built: the same bytes outline alike.
  if (knownSubject !== undefined) return { der, source, fingerprint, subjectKey: knownSubject };
  try {
    const outline = outlineCertificate(der);
    return {
      der,
      source,
      fingerprint,
      subjectKey: canonicalNameKey(outline.subjectDer),
      publicKeyKey: spkiKey(outline.subjectPublicKeyInfoDer),
    };
  } catch (error) {
    throw invalidCertificate(source, error);
  }
}

/** The subject key of a certificate as a store indexes it (for the bundled roots' index). */
export function storeSubjectKey(der: Uint8Array): string {
  return canonicalNameKey(outlineCertificate(der).subjectDer);
}

function spkiKey(spki: Uint8Array): string {
  return Buffer.from(spki).toString('hex');
}

function publicKeyKeyOf(entry: StoreEntry): string {
  entry.publicKeyKey ??= spkiKey(outlineCertificate(entry.der).subjectPublicKeyInfoDer);
  return entry.publicKeyKey;
}

function factsOf(entry: StoreEntry): ChainLink {
  try {
    entry.facts ??= chainLink(entry.der, entry.source);
    return entry.facts;
  } catch (error) {
    throw invalidCertificate(entry.source, error);
  }
}

function invalidCertificate(source: string, error: unknown): NupkgSigningError {
  // chainLink says which certificate; its cause says what is wrong with it.
  const reason = error instanceof Error && error.cause !== undefined ? error.cause : error;
  return new NupkgSigningError(
    'NUPKG005',
    `${source} is not a valid X.509 certificate (${describeError(reason)}). Remove it from the trust roots.`,
    { cause: error },
  );
}

function expandPath(path: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw unreadable(path, error);
  }
  if (!isDirectory) return [path];
  return readdirSync(path)
    .filter((name) => CERTIFICATE_FILE.test(name))
    .sort()
    .map((name) => join(path, name));
}

function readBytesOrThrow(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw unreadable(file, error);
  }
}

/** PEM text (an input's value) or a file's bytes, PEM or DER. */
function readPemOrThrow(
  content: string | Uint8Array,
  source: string,
  allowEmpty = false,
): Uint8Array[] {
  let certificates: Uint8Array[];
  try {
    certificates =
      typeof content === 'string' ? loadPemCertificates(content) : loadCertificateFile(content);
  } catch (error) {
    throw new NupkgSigningError(
      'NUPKG005',
      `${source} is not a valid PEM certificate bundle or DER certificate (${describeError(error)}). Replace it with PEM CERTIFICATE blocks or a DER .cer export.`,
      { file: source, cause: error },
    );
  }
  if (certificates.length === 0 && !allowEmpty) {
    throw new NupkgSigningError(
      'NUPKG005',
      `${source} contains no -----BEGIN CERTIFICATE----- block. Point the trust roots at a PEM bundle of root certificates or a DER .cer file.`,
      { file: source },
    );
  }
  return certificates;
}

function unreadable(path: string, error: unknown): NupkgSigningError {
  return new NupkgSigningError(
    'NUPKG005',
    `Cannot read trust roots from ${path}: ${describeError(error)}. Check that the path exists and is readable.`,
    { file: path, cause: error },
  );
}
