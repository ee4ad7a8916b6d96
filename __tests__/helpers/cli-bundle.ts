/**
 * The CLI as a separate process, for tests that must kill it or watch it from outside: bundles
 * src/cli/index.ts with ncc (as `npm run package` does) into a throwaway folder outside the repo,
 * with a link to the repo's trustedroots/ beside it (the bundle looks for it above itself).
 * NUPKG_SIGNING_CLI_BUNDLE=path/index.js uses that bundle instead (e.g. one built earlier).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface CliBundle {
  /** The bundle's entry point: run it as `node <path> sign ...`. */
  readonly path: string;
  /** Removes a bundle built here; leaves a given one alone. */
  dispose(): void;
}

export function buildCliBundle(): CliBundle {
  const given = process.env.NUPKG_SIGNING_CLI_BUNDLE;
  if (given) return { path: resolve(given), dispose: () => undefined };
  const out = mkdtempSync(join(tmpdir(), 'nupkg-signing-cli-bundle-'));
  const ncc = join(REPO_ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
  const result = spawnSync(process.execPath, [ncc, 'build', 'src/cli/index.ts', '-o', out, '-q'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`ncc failed: ${result.stderr}${result.stdout}`);
  symlinkSync(join(REPO_ROOT, 'trustedroots'), join(out, 'trustedroots'));
  return {
    path: join(out, 'index.js'),
    dispose: () => rmSync(out, { recursive: true, force: true }),
  };
}

/**
 * Runs the bundle without blocking this process (servers the test started here, a TSA or a key
 * service, must keep answering), with exactly the environment given.
 */
export async function runCliBundle(
  bundle: CliBundle,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bundle.path, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((done) => child.on('close', done));
  return { status, stdout, stderr };
}
