import { NupkgSigningError } from '../errors.js';
import { loadBundledTrustStores, type TrustStores } from './bundled-roots.js';
import { loadDefaultTrustStores } from './default-stores.js';
import {
  loadSystemTrustStore,
  runtimeSystemCertificates,
  storeFromSystemCertificates,
  type SystemCertificateSource,
} from './system-roots.js';
import { TrustStore } from './trust-store.js';

/**
 * Turns `--trusted-roots` values into trust stores. `default` is what `dotnet nuget verify`
 * uses here (the OS object-signing bundle when present, else the SDK bundles); `sdk` is the SDK
 * bundles shipped with this tool; `system` is the operating system's trusted roots for both
 * purposes. Any other value is a PEM file or directory whose certificates are added as roots for
 * both purposes.
 *
 * `system` asks the runtime first (`tls.getCACertificates('system')`, Node.js 22.15 and later:
 * the Windows certificate stores, the macOS keychains, OpenSSL's store on Linux). Without that
 * API it reads the Linux/BSD bundle paths under /etc; on Windows those resolve to a folder at the
 * root of the current drive (C:\etc), which any local user can create, so it is refused there.
 */
export function selectTrustStores(
  values: readonly string[],
  platform: NodeJS.Platform = process.platform,
  systemSource: SystemCertificateSource = runtimeSystemCertificates,
): TrustStores {
  const named = values.filter(
    (v): v is 'default' | 'sdk' | 'system' => v === 'default' || v === 'sdk' || v === 'system',
  );
  if (named.length > 1) {
    throw new NupkgSigningError(
      'NUPKG003',
      `Choose one of default, sdk or system for --trusted-roots, not ${named.join(' and ')}.`,
    );
  }
  const base =
    named[0] === 'system'
      ? systemStores(platform, systemSource)
      : baseStores(named[0] ?? 'default');
  const files = values.filter((v) => !(named as readonly string[]).includes(v));
  if (files.length === 0) return base;
  const extra = TrustStore.fromPemFiles(files).certificates;
  return { codeSigning: base.codeSigning.with(extra), timestamping: base.timestamping.with(extra) };
}

function systemStores(
  platform: NodeJS.Platform,
  systemSource: SystemCertificateSource,
): TrustStores {
  const listed = systemSource();
  const fromRuntime = listed === undefined ? undefined : storeFromSystemCertificates(listed);
  if (fromRuntime) return { codeSigning: fromRuntime, timestamping: fromRuntime };
  if (platform === 'win32') {
    throw new NupkgSigningError(
      'NUPKG003',
      listed === undefined
        ? "--trusted-roots system is not available on Windows with this Node.js: it reads the Windows certificate stores through tls.getCACertificates (Node.js 22.15 or later; the action runs on Node.js 24), and the OS bundles under /etc would be a folder at the drive root (C:\\etc) that any local user can create. Run it on Node.js 22.15 or later, or use --trusted-roots default (the .NET SDK's root bundles; dotnet itself uses the Windows certificate stores) or --trusted-roots FILE.pem with the roots to trust."
        : "The Windows certificate stores listed no readable root certificate for --trusted-roots system. Use --trusted-roots default (the .NET SDK's root bundles) or --trusted-roots FILE.pem with the roots to trust.",
    );
  }
  const system = loadSystemTrustStore();
  if (!system) {
    throw new NupkgSigningError(
      'NUPKG005',
      'No system certificate bundle was found (the runtime listed none, and none is in the usual /etc/ssl and /etc/pki locations). Use --trusted-roots sdk or a PEM file.',
    );
  }
  return { codeSigning: system, timestamping: system };
}

function baseStores(name: string): TrustStores {
  if (name === 'sdk') return loadBundledTrustStores();
  return loadDefaultTrustStores();
}
