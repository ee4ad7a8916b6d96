import { NupkgSigningError } from '../errors.js';
import { loadBundledTrustStores, type TrustStores } from './bundled-roots.js';
import { loadDefaultTrustStores } from './default-stores.js';
import { loadSystemTrustStore } from './system-roots.js';
import { TrustStore } from './trust-store.js';

/**
 * Turns `--trusted-roots` values into trust stores. `default` is what `dotnet nuget verify`
 * uses here (the OS object-signing bundle when present, else the SDK bundles); `sdk` is the SDK
 * bundles shipped with this tool; `system` is the OS TLS bundle for both purposes. Any other
 * value is a PEM file or directory whose certificates are added as roots for both purposes.
 *
 * `system` reads the Linux/BSD bundle paths under /etc; on Windows those resolve to a folder at
 * the root of the current drive (C:\etc), which any local user can create, so it is refused there.
 */
export function selectTrustStores(
  values: readonly string[],
  platform: NodeJS.Platform = process.platform,
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
  if (named[0] === 'system' && platform === 'win32') {
    throw new NupkgSigningError(
      'NUPKG003',
      "--trusted-roots system is not available on Windows: it reads the OS bundles under /etc, which on Windows is a folder at the drive root (C:\\etc) that any local user can create. Use --trusted-roots default (the .NET SDK's root bundles; dotnet itself uses the Windows certificate stores) or --trusted-roots FILE.pem with the roots to trust.",
    );
  }
  const base = baseStores(named[0] ?? 'default');
  const files = values.filter((v) => !(named as readonly string[]).includes(v));
  if (files.length === 0) return base;
  const extra = TrustStore.fromPemFiles(files).certificates;
  return { codeSigning: base.codeSigning.with(extra), timestamping: base.timestamping.with(extra) };
}

function baseStores(name: string): TrustStores {
  if (name === 'sdk') return loadBundledTrustStores();
  if (name === 'system') {
    const system = loadSystemTrustStore();
    if (!system) {
      throw new NupkgSigningError(
        'NUPKG005',
        'No system certificate bundle was found (looked in the usual /etc/ssl and /etc/pki locations). Use --trusted-roots sdk or a PEM file.',
      );
    }
    return { codeSigning: system, timestamping: system };
  }
  return loadDefaultTrustStores();
}
