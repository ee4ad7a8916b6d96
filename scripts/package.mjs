// Bundles the action (dist/index.js) and the CLI (dist/cli/index.js) with ncc. Both run with plain
// `node` and no node_modules. .ci/run rebuilds them and fails when the committed dist/ differs.
//
//   node scripts/package.mjs [--cli-only DIR]   (--cli-only: just the CLI, into DIR; for the bench)
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'cli-only': { type: 'string' } } });
const cliOut = values['cli-only'] ?? 'dist/cli';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const versionFile = 'src/version.ts';
const versionSource = readFileSync(versionFile, 'utf8');
const wanted = versionSource.replace(/VERSION = '[^']*'/, `VERSION = '${pkg.version}'`);
if (wanted !== versionSource) writeFileSync(versionFile, wanted);

rmSync(values['cli-only'] ?? 'dist', { recursive: true, force: true });
const ncc = 'node_modules/@vercel/ncc/dist/ncc/cli.js';
const bundles = [['src/cli/index.ts', cliOut]];
if (values['cli-only'] === undefined) bundles.unshift(['src/action/index.ts', 'dist']);
for (const [entry, out] of bundles) {
  execFileSync(
    process.execPath,
    [ncc, 'build', entry, '-o', out, '--license', 'licenses.txt', '-q'],
    {
      stdio: 'inherit',
    },
  );
}

// The CLI's entry is a small loader that turns on Node's module compile cache (Node >= 22.1) and
// then imports the bundle, so a second start deserialises the bundle's bytecode instead of
// compiling 2 MB of JavaScript again (about 25 ms of CPU on Node 24). The cache lives in the
// user's own cache directory, never in a shared temp directory another user could seed. It is off
// when CI is set (GitHub Actions sets it): on a reused self-hosted runner, a job must not load
// bytecode an earlier job left behind. The action (dist/index.js) does not use it: one process per
// run has nothing to reuse. NODE_DISABLE_COMPILE_CACHE=1 turns it off (Node honours it).
renameSync(join(cliOut, 'index.js'), join(cliOut, 'main.js'));
writeFileSync(
  join(cliOut, 'index.js'),
  `#!/usr/bin/env node
// Written by scripts/package.mjs: enables the compile cache, then runs the bundle (main.js).
import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

if (typeof module.enableCompileCache === 'function' && !process.env.CI) {
  const home =
    process.env.XDG_CACHE_HOME ||
    (process.platform === 'win32' ? process.env.LOCALAPPDATA : undefined) ||
    join(homedir(), '.cache');
  try {
    module.enableCompileCache(join(home, 'nupkg-signing', 'compile-cache'));
  } catch {
    // A cache that cannot be used only costs time.
  }
}
await import('./main.js');
`,
  { mode: 0o755 },
);
