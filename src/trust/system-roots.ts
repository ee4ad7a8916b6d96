import { existsSync } from 'node:fs';
import { isNupkgSigningError } from '../errors.js';
import { TrustStore } from './trust-store.js';

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
