import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS } from '../../src/policy/presets.js';
import { loadBundledTrustStores } from '../../src/trust/bundled-roots.js';
import type { TrustStores } from '../../src/trust/bundled-roots.js';
import { verifyPackage } from '../../src/verify/verify-package.js';
import { CORPUS_DIR } from '../helpers/corpus.js';
import {
  certificateSetVariants,
  cmsChildVariants,
  localHeaderVariants,
  type Variant,
} from '../helpers/differential-mutations.js';
import {
  DOTNET_ENV,
  createShadowSdk,
  describeWithDotnet,
  haveDotnet,
  runDotnet,
} from '../helpers/dotnet-shadow-sdk.js';
import { createRootCa } from '../helpers/pki.js';
import { makeSignedPackage, signingPki } from '../helpers/signed-package.js';
import { useTempDir } from '../helpers/temp-files.js';
import { expectConsistentVerdict } from '../helpers/verdict-consistency.js';

/**
 * Differential test against `dotnet nuget verify --all` (issue 11, finding 9), by generation: from
 * a package signed with a generated PKI (trusted through a shadow SDK) and a real corpus package
 * (messagepack.annotations, the seed of fuzz finding case-20261126-25945), one package per
 *   - local header field of `.signature.p7s` changed (signature, version, flags, method, time,
 *     date, CRC-32, sizes, name and extra lengths, name bytes and case, extra blocks, descriptor);
 *   - child of ContentInfo, SignedData, EncapsulatedContentInfo and SignerInfo (and of the
 *     timestamp token's SignedData and SignerInfo) swapped, removed or duplicated; crls added,
 *     doubled or misplaced; bytes after the ContentInfo;
 *   - certificate-set shape: each certificate duplicated, with a broken or rekeyed copy first or
 *     second, alone broken, or removed; reversed; undecodable first or last; unrelated extras;
 *     empty or absent; other CertificateChoices; a cross-signed or expired copy of the
 *     intermediate first or last.
 * Ours and dotnet must give the same verdict and the same error and warning codes.
 */
if (!haveDotnet) console.warn('Skipping the dotnet differential: `dotnet` is not on PATH.');

interface Verdict {
  readonly valid: boolean;
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * dotnet stops the whole run, without a code, on a few signature entries it cannot read; we give
 * such a package our own code. A package here must be rejected by us with exactly that code.
 */
const DOTNET_FATAL: [RegExp, string][] = [
  // The local header's extra length runs past the end of the file.
  [/Unable to read beyond the end of the stream/, 'NU3005'],
  // The local header's size (2 GiB) is allocated before reading: ours is over LIMITS.maxSignatureBytes.
  [/Array dimensions exceeded supported range/, 'NUPKG004'],
];

const DOTNET_VERIFY_ENV = { ...DOTNET_ENV, NUGET_CERT_REVOCATION_MODE: 'offline' };
const PACKAGES_PER_DOTNET_CALL = 80;
const REAL_SEED = join(CORPUS_DIR, 'real', 'messagepack.annotations.2.5.192.nupkg');

const temp = useTempDir();
let trust: TrustStores;
const packages = new Map<string, string>();
const dotnetVerdicts = new Map<string, Verdict | { fatal: string }>();
let dotnetSeconds = 0;

beforeAll(async () => {
  if (!haveDotnet) return;
  const pki = await signingPki();
  // Only the root is trusted: the intermediate must come from the signature, as in real packages.
  const shadowDotnet = createShadowSdk(temp.path('sdk'), pki.root.pem, pki.tsaRoot.pem);
  const bundled = loadBundledTrustStores();
  trust = {
    codeSigning: bundled.codeSigning.with([pki.root.certificate]),
    timestamping: bundled.timestamping.with([pki.tsaRoot.certificate]),
  };

  // A copy of the intermediate (same subject and key) under an untrusted root, and one expired.
  const rogueRoot = await createRootCa({ subject: 'CN=nupkg-signing Rogue Root' });
  const sameKey = { subject: pki.intermediate.subject, keyPair: pki.intermediate.keyPair };
  const crossSigned = await rogueRoot.issueIntermediate(sameKey);
  const expired = await pki.root.issueIntermediate({
    ...sameKey,
    notAfter: new Date('2023-01-01T00:00:00Z'),
  });
  const [leaf, intermediate] = [pki.leaf.certificate, pki.intermediate.certificate];
  const generatedShapes = [
    {
      name: 'cross-signed-first',
      certificates: [leaf, crossSigned.certificate, rogueRoot.certificate, intermediate],
    },
    {
      name: 'cross-signed-last',
      certificates: [leaf, intermediate, crossSigned.certificate, rogueRoot.certificate],
    },
    {
      name: 'cross-signed-without-its-root-first',
      certificates: [leaf, crossSigned.certificate, intermediate],
    },
    { name: 'expired-copy-first', certificates: [leaf, expired.certificate, intermediate] },
    { name: 'expired-copy-last', certificates: [leaf, intermediate, expired.certificate] },
  ];
  const unrelated = [pki.untrustedRoot.certificate, pki.tsaRoot.certificate];

  const seeds: [string, Buffer, typeof generatedShapes][] = [
    [
      'generated',
      readFileSync(
        await makeSignedPackage({ directory: temp.path(''), id: 'Differential.Seed', pki }),
      ),
      generatedShapes,
    ],
  ];
  if (existsSync(REAL_SEED)) seeds.push(['messagepack', readFileSync(REAL_SEED), []]);
  for (const [seed, bytes, shapes] of seeds) {
    const variants: Variant[] = [
      ...localHeaderVariants(bytes),
      ...cmsChildVariants(bytes),
      ...certificateSetVariants(bytes, unrelated, shapes),
    ];
    for (const { name, bytes: variant } of variants) {
      packages.set(`${seed}/${name}`, temp.write(`${seed}-${name}.nupkg`, variant));
    }
  }
  // An author signature with a timestamped repository countersignature: its CMS children only.
  const countersigned = readFileSync(
    await makeSignedPackage({
      directory: temp.path(''),
      id: 'Differential.Countersigned',
      pki,
      repositoryCountersignature: true,
    }),
  );
  for (const { name, bytes: variant } of cmsChildVariants(countersigned)) {
    packages.set(`countersigned/${name}`, temp.write(`countersigned-${name}.nupkg`, variant));
  }

  const started = Date.now();
  let pending = [...packages.values()];
  while (pending.length > 0) {
    const batch = pending.slice(0, PACKAGES_PER_DOTNET_CALL);
    const run = runDotnet(
      ['nuget', 'verify', '--all', '-v', 'n', ...batch],
      shadowDotnet,
      DOTNET_VERIFY_ENV,
    );
    const verdicts = splitVerifyOutput(run.output, batch);
    // dotnet verifies in order and stops at a package it cannot read: that one gets the message.
    const stoppedAt = batch.findIndex((path) => !verdicts.has(path));
    for (const [path, verdict] of verdicts) dotnetVerdicts.set(path, verdict);
    if (stoppedAt < 0) {
      pending = pending.slice(batch.length);
      continue;
    }
    const uncoded = [...run.output.matchAll(/^error: (?!NU\d{4})(.*)$/gm)];
    const fatal = uncoded[uncoded.length - 1]?.[1] ?? run.output.slice(-500);
    dotnetVerdicts.set(batch[stoppedAt] as string, { fatal });
    pending = pending.slice(stoppedAt + 1);
  }
  dotnetSeconds = (Date.now() - started) / 1000;
}, 900_000);

/** One block per package: from `Verifying <id>.<version>` to the next (spec: matrix test). */
function splitVerifyOutput(output: string, paths: readonly string[]): Map<string, Verdict> {
  const blocks = output.split(/^(?=Verifying [^ ]+$)/m);
  const verdicts = new Map<string, Verdict>();
  for (const path of paths) {
    const block = blocks.find((b) => b.split('\n').includes(path));
    if (
      !block ||
      !/^(Successfully verified package|Package signature validation failed)/m.test(block)
    )
      continue;
    const codes = (pattern: RegExp) =>
      [...new Set([...block.matchAll(pattern)].map((m) => m[1] as string))].sort();
    verdicts.set(path, {
      valid: /^Successfully verified package/m.test(block),
      errors: codes(/^error: (NU\d{4})/gm),
      warnings: codes(/^warn : (NU\d{4})/gm),
    });
  }
  return verdicts;
}

describeWithDotnet(
  'verdicts of verifyPackage and dotnet nuget verify --all on generated packages',
  () => {
    it('has a dotnet verdict for every generated package', () => {
      expect(dotnetVerdicts.size).toBe(packages.size);
      // Two seeds, each with ~55 local header, ~95 CMS child and ~30 certificate-set variants.
      expect(packages.size).toBeGreaterThan(existsSync(REAL_SEED) ? 300 : 150);
      for (const id of [
        'generated/lfh-name-upper-case',
        'generated/cms-timestamp-signeddata-duplicate-3',
        'generated/timestamp-certs-0-broken-signature-copy-first',
        'countersigned/cms-countersignature-signerinfo-swap-0-1',
      ])
        expect(packages.has(id)).toBe(true);
      console.log(`${packages.size} packages compared; dotnet took ${dotnetSeconds.toFixed(0)} s`);
    });

    it('agrees with dotnet on each package (verdict, error and warning codes)', async () => {
      const differences: Record<string, { ours: Verdict; dotnet: unknown }> = {};
      for (const [id, path] of packages) {
        const result = await verifyPackage(path, {
          policy: PRESETS.verify,
          now: new Date(),
          trust,
        });
        expectConsistentVerdict(result);
        const codes = (level: string) =>
          [...new Set(result.issues.filter((i) => i.level === level).map((i) => i.code))].sort();
        const ours = { valid: result.valid, errors: codes('error'), warnings: codes('warning') };
        const dotnet = dotnetVerdicts.get(path);
        let expected: Verdict | undefined;
        if (dotnet && 'fatal' in dotnet) {
          const code = DOTNET_FATAL.find(([pattern]) => pattern.test(dotnet.fatal))?.[1];
          expected = code ? { valid: false, errors: [code], warnings: [] } : undefined;
        } else expected = dotnet;
        if (JSON.stringify(ours) !== JSON.stringify(expected)) differences[id] = { ours, dotnet };
      }
      expect(differences).toEqual({});
    }, 600_000);

    it('sees what NuGet reads in the local header: the name (NU3008), flags and method (NU3005)', () => {
      const verdictOf = (id: string) => dotnetVerdicts.get(packages.get(id) as string);
      expect(verdictOf('generated/lfh-name-upper-case')).toEqual({
        valid: false,
        errors: ['NU3008'],
        warnings: [],
      });
      expect(verdictOf('generated/lfh-flags-data-descriptor')).toMatchObject({
        errors: ['NU3005'],
      });
      expect(verdictOf('generated/lfh-crc-wrong')).toMatchObject({ valid: true });
      expect(verdictOf('generated/certs-1-broken-signature-copy-first')).toMatchObject({
        valid: false,
        errors: ['NU3012'],
      });
      expect(verdictOf('generated/cms-signeddata-duplicate-3')).toMatchObject({
        valid: false,
        errors: ['NU3003'],
      });
    });
  },
);
