import { existsSync } from 'node:fs';
import * as tls from 'node:tls';
import { isNupkgSigningError } from '../errors.js';
import { TrustStore } from './trust-store.js';

/**
 * The operating system's trusted roots as the runtime reads them, PEM strings; undefined when the
 * runtime cannot (Node.js before 22.15 has no `tls.getCACertificates`).
 */
export type SystemCertificateSource = () => readonly string[] | undefined;

/** `tls.getCACertificates('system')`: the Windows and macOS stores, OpenSSL's on Linux. */
export const runtimeSystemCertificates: SystemCertificateSource = () => {
  const api = tls as { getCACertificates?: (type: 'system') => string[] };
  return typeof api.getCACertificates === 'function' ? api.getCACertificates('system') : undefined;
};

/**
 * The roots a system certificate source lists, as one store; certificates this tool cannot read
 * are left out (an OS store may hold some), and an empty list gives undefined.
 */
export function storeFromSystemCertificates(pems: readonly string[]): TrustStore | undefined {
  const readable: Uint8Array[] = [];
  for (const pem of pems) {
    try {
      readable.push(...TrustStore.fromPemText(pem, 'the system certificate store').certificates);
    } catch (error) {
      if (!isNupkgSigningError(error)) throw error;
    }
  }
  return readable.length === 0
    ? undefined
    : TrustStore.fromCertificates(readable, 'the system certificate store');
}

/**
 * OS CA bundles in the order OpenSSL-based distributions place them (Debian/Ubuntu/Alpine/Arch,
 * Fedora/RHEL, openSUSE, older RHEL). Used when no SDK bundle applies, like .NET's default
 * X509Chain trust on Linux (nuget-signing-spec.md §8.2, last row).
 */
export const SYSTEM_BUNDLE_PATHS: readonly string[] = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

/** The Fedora/RHEL bundle of roots trusted for code signing, which NuGet prefers on Linux. */
export const OBJECT_SIGNING_BUNDLE_PATH = '/etc/pki/ca-trust/extracted/pem/objsign-ca-bundle.pem';

/** The first OS bundle that exists; undefined when none does. Throws NUPKG005 if it is unusable. */
export function loadSystemTrustStore(
  paths: readonly string[] = SYSTEM_BUNDLE_PATHS,
): TrustStore | undefined {
  const path = paths.find((candidate) => existsSync(candidate));
  return path === undefined ? undefined : TrustStore.fromPemFiles([path]);
}

/**
 * NuGet on Linux takes the code-signing roots from the OS object-signing bundle when it loads and
 * holds at least one certificate, and otherwise from the SDK's codesignctl.pem. Returns the OS
 * store, or undefined to mean "use the bundled code-signing roots".
 */
export function loadObjectSigningTrustStore(
  path: string = OBJECT_SIGNING_BUNDLE_PATH,
): TrustStore | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return TrustStore.fromPemFiles([path]);
  } catch (error) {
    // NuGet silently falls through to the next probe when the bundle does not load.
    if (isNupkgSigningError(error)) return undefined;
    throw error;
  }
}
