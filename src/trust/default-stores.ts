import { loadBundledTrustStores, type TrustStores } from './bundled-roots.js';
import { loadObjectSigningTrustStore, OBJECT_SIGNING_BUNDLE_PATH } from './system-roots.js';

export interface DefaultTrustStoreOptions {
  /** Default: the running platform. */
  readonly platform?: NodeJS.Platform;
  /** Default: /etc/pki/ca-trust/extracted/pem/objsign-ca-bundle.pem. */
  readonly objectSigningBundle?: string;
  /** Where to start looking for the shipped trustedroots/ (default: this module's location). */
  readonly bundledFrom?: string;
  /** The bundled stores when the caller already holds them (loaded once per run). */
  readonly bundled?: () => TrustStores;
}

/**
 * The roots `dotnet nuget verify` would use here (nuget-signing-spec.md §8.2): on Linux the OS
 * object-signing bundle for code signing when it has certificates, otherwise the SDK bundles.
 * Windows uses its own certificate store, which we cannot read; the SDK bundles (the same
 * Microsoft CTL) stand in for it.
 */
export function loadDefaultTrustStores(options: DefaultTrustStoreOptions = {}): TrustStores {
  const bundled = options.bundled?.() ?? loadBundledTrustStores(options.bundledFrom);
  if ((options.platform ?? process.platform) !== 'linux') return bundled;
  const objectSigning = loadObjectSigningTrustStore(
    options.objectSigningBundle ?? OBJECT_SIGNING_BUNDLE_PATH,
  );
  return objectSigning ? { ...bundled, codeSigning: objectSigning } : bundled;
}
