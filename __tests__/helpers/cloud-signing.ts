/**
 * The fixture both cloud KMS signing tests share: a PKI whose leaf certifies a public key that
 * only the fake key service holds, a loopback TSA, the CLI and action bundles, and the two
 * verifiers every signed package must pass (ours and `dotnet nuget verify --all`).
 */
import type { KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSigning, type SignRunOptions } from '../../src/run/sign-run.js';
import type { KeyInputs } from '../../src/run/key-inputs.js';
import { buildActionBundle } from './action-bundle.js';
import { buildCliBundle, runCliBundle, type CliBundle } from './cli-bundle.js';
import { createShadowSdk, haveDotnet, runDotnet, type DotnetRun } from './dotnet-shadow-sdk.js';
import { createTestPki, type TestCertificate, type TestPki } from './pki.js';
import { createTimestampAuthority } from './tsa.js';
import { startTsaServer, type TsaServer } from './tsa-server.js';
import { buildZip, nuspecEntry } from './zip-builder.js';

export interface CloudSigningFixture {
  readonly pki: TestPki;
  readonly tsa: TsaServer;
  /** PEM file with the code-signing and TSA roots. */
  readonly roots: string;
  readonly cli: CliBundle;
  readonly actionBundle: string;
  /** A code-signing certificate for `publicKey` (the service's), issued by pki.intermediate. */
  certify(publicKey: KeyObject, subject: string): Promise<TestCertificate>;
  /** The leaf's PEM, then the intermediate's: what certificate-chain is given. */
  chainPem(leaf: TestCertificate): string;
  newPackage(name: string): string;
  /** A workspace with out/<name>.1.0.0.nupkg for the action. */
  newWorkspace(name: string): string;
  node(
    args: string[],
    env?: Record<string, string>,
  ): Promise<{ status: number | null; stdout: string; stderr: string }>;
  verifiedByUs(path: string): Promise<{ valid: boolean }>;
  /** undefined when dotnet is not installed. */
  verifiedByDotnet(path: string): DotnetRun | undefined;
  signOptions(key: Omit<KeyInputs, 'source'>, hash?: HashName): SignRunOptions;
  /** Signs a new package in process; expects it signed and accepted by both verifiers. */
  signAndVerify(key: Omit<KeyInputs, 'source'>, hash?: HashName): Promise<void>;
  /** The coded error signing with `key` ends in: thrown before any package, or the package's. */
  failure(key: Omit<KeyInputs, 'source'>, hash?: HashName): Promise<CodedFailure>;
  dispose(): Promise<void>;
}

type HashName = 'sha256' | 'sha384' | 'sha512';

export interface CodedFailure {
  readonly code: string;
  readonly message: string;
}

export async function createCloudSigningFixture(dir: string): Promise<CloudSigningFixture> {
  const pki = await createTestPki();
  const tsa = await startTsaServer(
    createTimestampAuthority({
      certificate: pki.tsa.certificate,
      privateKey: pki.tsa.keyObject,
      chain: [pki.tsaRoot.certificate],
      clock: () => new Date(),
    }),
  );
  const roots = join(dir, 'roots.pem');
  writeFileSync(roots, `${pki.root.pem}\n${pki.tsaRoot.pem}\n`);
  const cli = buildCliBundle();
  const actionBundle = buildActionBundle();
  const shadowDotnet = haveDotnet
    ? createShadowSdk(join(dir, 'sdk'), pki.root.pem, pki.tsaRoot.pem)
    : undefined;
  let counter = 0;

  const node: CloudSigningFixture['node'] = (args, env = {}) =>
    runCliBundle(cli, args, { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env });

  const newPackage = (name: string) => {
    const folder = join(dir, `work-${++counter}`);
    mkdirSync(folder);
    const path = join(folder, `${name}.1.0.0.nupkg`);
    writeFileSync(path, buildZip({ entries: [nuspecEntry(name, '1.0.0')] }));
    return path;
  };

  const verifiedByUs = async (path: string) => {
    const run = await node(['verify', '--json', '--trusted-roots', roots, path]);
    const document = JSON.parse(run.stdout) as { results: { valid: boolean }[] };
    return document.results[0] as { valid: boolean };
  };
  const verifiedByDotnet = (path: string) =>
    shadowDotnet === undefined
      ? undefined
      : runDotnet(['nuget', 'verify', '--all', '-v', 'n', path], shadowDotnet);
  const signOptions = (key: Omit<KeyInputs, 'source'>, hash: HashName = 'sha256') => ({
    packages: [newPackage('Cloud.Case')],
    key: { ...key, source: 'test' },
    hashAlgorithm: hash,
    timestampUrls: [tsa.url],
    timestampHashAlgorithm: 'sha256' as const,
    overwrite: false,
    trustedRoots: [roots],
    allowUntrustedRoot: false,
    now: () => new Date(),
  });

  return {
    pki,
    tsa,
    roots,
    cli,
    actionBundle,
    certify: (publicKey, subject) =>
      // The helper wants a key pair; the private half is in the fake service, so the pool's
      // leaf key stands in where the helper imports one. Nothing here signs with it.
      pki.intermediate.issueLeaf({
        subject,
        keyPair: { ...pki.leaf.keyPair, publicKeyObject: publicKey },
      }),
    chainPem: (leaf) => `${leaf.pem}\n${pki.intermediate.pem}\n`,
    newPackage,
    newWorkspace: (name) => {
      const workspace = join(dir, `action-${++counter}`);
      mkdirSync(join(workspace, 'out'), { recursive: true });
      writeFileSync(
        join(workspace, 'out', `${name}.1.0.0.nupkg`),
        buildZip({ entries: [nuspecEntry(name, '1.0.0')] }),
      );
      return workspace;
    },
    node,
    verifiedByUs,
    verifiedByDotnet,
    signOptions,
    signAndVerify: async (key, hash) => {
      const options = signOptions(key, hash);
      const { outcomes } = await runSigning(options);
      expect(outcomes[0]).toMatchObject({ signed: true });
      const path = options.packages[0] ?? '';
      expect(await verifiedByUs(path)).toMatchObject({ valid: true });
      expectDotnetAccepts(verifiedByDotnet(path), 'Cloud.Case.1.0.0');
    },
    failure: async (key, hash) => {
      const failure = await runSigning(signOptions(key, hash)).then(
        ({ outcomes }) => outcomes[0]?.error,
        (error: unknown) => error as CodedFailure,
      );
      expect(failure).toBeDefined();
      return failure as CodedFailure;
    },
    dispose: async () => {
      await tsa.close();
      cli.dispose();
    },
  };
}

/** Asserts dotnet's verdict when dotnet is installed. */
export function expectDotnetAccepts(run: DotnetRun | undefined, id: string): void {
  if (run === undefined) return;
  expect(run.output).toContain(`Successfully verified package '${id}'.`);
  expect(run.codes).toEqual([]);
  expect(run.status).toBe(0);
}
