// Bundles the action (dist/index.js) and the CLI (dist/cli/index.js) with ncc. Both run with plain
// `node` and no node_modules. .ci/run rebuilds them and fails when the committed dist/ differs.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const versionFile = 'src/version.ts';
const versionSource = readFileSync(versionFile, 'utf8');
const wanted = versionSource.replace(/VERSION = '[^']*'/, `VERSION = '${pkg.version}'`);
if (wanted !== versionSource) writeFileSync(versionFile, wanted);

rmSync('dist', { recursive: true, force: true });
const ncc = 'node_modules/@vercel/ncc/dist/ncc/cli.js';
for (const [entry, out] of [
  ['src/action/index.ts', 'dist'],
  ['src/cli/index.ts', 'dist/cli'],
]) {
  execFileSync(
    process.execPath,
    [ncc, 'build', entry, '-o', out, '--license', 'licenses.txt', '-q'],
    {
      stdio: 'inherit',
    },
  );
}
