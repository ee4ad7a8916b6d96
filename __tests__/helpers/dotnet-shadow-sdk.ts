/**
 * The .NET SDK as the reference implementation in tests: whether `dotnet` is present, how to run
 * it quietly, and a "shadow SDK" that trusts test roots without touching the machine.
 *
 *   const shadow = createShadowSdk(temp.path('sdk'), root.pem, tsaRoot.pem);
 *   runDotnet(['nuget', 'verify', '--all', path], shadow);
 */
import { execFile, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const probe = spawnSync('dotnet', ['--version'], { encoding: 'utf8' });

/** True when `dotnet` runs; tests that need it use `describeWithDotnet` and skip otherwise. */
export const haveDotnet = probe.status === 0;
export const dotnetVersion = haveDotnet ? probe.stdout.trim() : undefined;
export const describeWithDotnet = haveDotnet ? describe : describe.skip;

export const DOTNET_ENV = {
  ...process.env,
  DOTNET_CLI_TELEMETRY_OPTOUT: '1',
  DOTNET_NOLOGO: '1',
  DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1',
};

export interface DotnetRun {
  readonly status: number | null;
  /** stdout, then stderr. */
  readonly output: string;
  /** Distinct NU3xxx codes in the output, sorted. */
  readonly codes: string[];
}

export function runDotnet(
  args: string[],
  executable = 'dotnet',
  env: NodeJS.ProcessEnv = DOTNET_ENV,
): DotnetRun {
  const result = spawnSync(executable, args, { encoding: 'utf8', env, timeout: 120_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  return { status: result.status, output, codes: codesIn(output) };
}

/** Async, for when a server in this process (a loopback TSA) must keep answering meanwhile. */
export async function runDotnetAsync(
  args: string[],
  executable = 'dotnet',
  env: NodeJS.ProcessEnv = DOTNET_ENV,
): Promise<string> {
  const result = await promisify(execFile)(executable, args, {
    encoding: 'utf8',
    env,
    timeout: 120_000,
  }).catch((error: { stdout?: string; stderr?: string }) => error);
  return `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
}

export function codesIn(text: string): string[] {
  return [...new Set(text.match(/NU3\d{3}/g) ?? [])].sort();
}

/**
 * How to make dotnet trust a test root without touching the machine: on Linux NuGet reads its roots
 * from `trustedroots/*.pem` next to its own assemblies (spec §8.1-8.2). No variable overrides this,
 * and the /etc/pki objsign bundle it probes first is system state we must not change. So we build
 * a shadow SDK in a temp dir: a copy of the `dotnet` muxer, the SDK's top-level files hard-linked
 * (copied when /tmp is another file system; ~80 MB), its subdirectories and the runtime symlinked,
 * and a real `trustedroots/` holding the SDK bundles plus our test roots (PEM text). Files must be
 * real, not symlinks: the host resolves symlinks, and NuGet would then find the original bundles.
 * Returns the path of the shadow `dotnet` executable.
 */
export function createShadowSdk(
  directory: string,
  codeSigningRoots: string,
  timestampingRoots: string,
): string {
  if (!dotnetVersion) throw new Error('createShadowSdk needs dotnet on PATH');
  const real = dirname(
    realpathSync(spawnSync('which', ['dotnet'], { encoding: 'utf8' }).stdout.trim()),
  );
  const sdk = join(real, 'sdk', dotnetVersion);
  const shadowSdk = join(directory, 'sdk', dotnetVersion);
  mkdirSync(join(shadowSdk, 'trustedroots'), { recursive: true });
  linkOrCopy(join(real, 'dotnet'), join(directory, 'dotnet'));
  for (const name of readdirSync(real)) {
    if (name !== 'dotnet' && name !== 'sdk') symlinkSync(join(real, name), join(directory, name));
  }
  for (const entry of readdirSync(sdk, { withFileTypes: true })) {
    if (entry.name === 'trustedroots') continue;
    const [from, to] = [join(sdk, entry.name), join(shadowSdk, entry.name)];
    if (entry.isDirectory()) symlinkSync(from, to);
    else linkOrCopy(from, to);
  }
  const bundles = { 'codesignctl.pem': codeSigningRoots, 'timestampctl.pem': timestampingRoots };
  for (const [file, extra] of Object.entries(bundles)) {
    const original = readFileSync(join(sdk, 'trustedroots', file), 'utf8');
    writeFileSync(join(shadowSdk, 'trustedroots', file), `${original}\n${extra}\n`);
  }
  return join(directory, 'dotnet');
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}
