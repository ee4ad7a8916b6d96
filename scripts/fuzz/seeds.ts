/**
 * Valid signed packages to mutate: real nuget.org/Microsoft-signed fixtures (evaluated at a fixed
 * time, with the bundled SDK roots) and a package signed in-process with a test PKI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { PRESETS } from '../../src/policy/presets.js';
import { LocalKeySigner } from '../../src/sign/local-key-signer.js';
import { signPackage } from '../../src/sign/sign-package.js';
import { loadBundledTrustStores } from '../../src/trust/bundled-roots.js';
import { TrustStore } from '../../src/trust/trust-store.js';
import type { VerifyOptions } from '../../src/verify/verify-package.js';

/** The time the real fixtures are evaluated at (issue #8). */
export const FIXTURE_NOW = new Date('2026-11-25T07:30:00Z');

/** Real signed fixtures: an author signature with a repository countersignature, and two repository signatures. */
export const FIXTURE_SEEDS = [
  'system.buffers.4.5.1.nupkg',
  'messagepack.annotations.2.5.192.nupkg',
  'k4os.hash.xxhash.1.0.6.nupkg',
];

export function fixtureSeed(name: string): { bytes: Buffer; options: VerifyOptions } {
  return {
    bytes: readFileSync(join(process.cwd(), 'fixtures', 'packages', name)),
    options: { policy: PRESETS.verify, now: FIXTURE_NOW, trust: loadBundledTrustStores() },
  };
}

export interface SeedPki {
  readonly rootDer: Uint8Array;
  readonly leafDer: Uint8Array;
  readonly leafKey: KeyObject;
  readonly chainDers: readonly Uint8Array[];
  readonly timestampRootDer?: Uint8Array;
  readonly timestampUrl?: string;
}

/**
 * Signs `unsigned` (written at `path`) with the test PKI, in place, and returns the bytes and
 * options that make it valid.
 */
export async function testPkiSeed(
  path: string,
  pki: SeedPki,
  now: Date,
): Promise<{ bytes: Buffer; options: VerifyOptions }> {
  const roots = [pki.rootDer, ...(pki.timestampRootDer ? [pki.timestampRootDer] : [])];
  const empty = { codeSigning: TrustStore.empty(), timestamping: TrustStore.empty() };
  await signPackage({
    packagePath: path,
    signer: new LocalKeySigner(pki.leafKey, pki.leafDer, [...pki.chainDers]),
    hashAlgorithm: 'sha256',
    timestampUrls: pki.timestampUrl ? [pki.timestampUrl] : [],
    timestampHashAlgorithm: 'sha256',
    overwrite: false,
    clock: () => now,
    trustedRoots: roots,
    trustStores: empty,
    nugetOrgTrustStores: empty,
  });
  return {
    bytes: readFileSync(path),
    options: {
      policy: PRESETS.verify,
      now,
      trust: {
        codeSigning: TrustStore.fromCertificates([pki.rootDer]),
        timestamping: TrustStore.fromCertificates(
          pki.timestampRootDer ? [pki.timestampRootDer] : [],
        ),
      },
    },
  };
}
