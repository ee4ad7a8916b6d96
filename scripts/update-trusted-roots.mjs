#!/usr/bin/env node
// Regenerates trustedroots/codesignctl.pem and trustedroots/timestampctl.pem from an installed .NET
// SDK and rewrites the provenance table in trustedroots/README.md.
//
//   node scripts/update-trusted-roots.mjs [--sdk DIR]
//
// DIR is either an SDK version directory (…/dotnet/sdk/10.0.401) or a dotnet root (…/dotnet); by
// default the `dotnet` on PATH is resolved and its newest SDK that ships trustedroots/ is used.
// NuGet on Linux/macOS anchors chains on exactly these two bundles (nuget-signing-spec.md §8.1).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUNDLES = ['codesignctl.pem', 'timestampctl.pem'];
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const targetDir = join(repoRoot, 'trustedroots');
const readmePath = join(targetDir, 'README.md');
const TABLE_START = '<!-- trusted-roots-table:start -->';
const TABLE_END = '<!-- trusted-roots-table:end -->';

function fail(message) {
  console.error(`update-trusted-roots: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  let sdk;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--sdk') sdk = argv[++i];
    else if (arg.startsWith('--sdk=')) sdk = arg.slice('--sdk='.length);
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/update-trusted-roots.mjs [--sdk DIR]');
      process.exit(0);
    } else fail(`unknown argument '${arg}' (usage: [--sdk DIR])`);
  }
  if (sdk === '') fail('--sdk needs a directory');
  return { sdk };
}

/** Numeric-aware comparison so 10.0.100 sorts after 9.0.300. */
function compareVersions(a, b) {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const diff = Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y) : nx - ny;
    if (diff !== 0) return diff;
  }
  return 0;
}

function hasBundles(dir) {
  return BUNDLES.every((name) => existsSync(join(dir, 'trustedroots', name)));
}

/** Accepts an SDK version dir or a dotnet root; returns the SDK version dir that has trustedroots/. */
function resolveSdkDir(given) {
  if (given) {
    const dir = resolve(given);
    if (hasBundles(dir)) return dir;
    const sdkRoot = join(dir, 'sdk');
    if (existsSync(sdkRoot)) return newestSdk(sdkRoot);
    fail(`${dir} has neither trustedroots/ nor sdk/<version>/trustedroots/`);
  }
  let dotnet;
  try {
    const which = execFileSync('sh', ['-c', 'command -v dotnet'], { encoding: 'utf8' }).trim();
    dotnet = realpathSync(which);
  } catch {
    fail('no dotnet on PATH; pass --sdk DIR');
  }
  return newestSdk(join(dirname(dotnet), 'sdk'));
}

function newestSdk(sdkRoot) {
  const versions = readdirSync(sdkRoot)
    .filter((name) => hasBundles(join(sdkRoot, name)))
    .sort(compareVersions);
  const newest = versions.at(-1);
  if (!newest) fail(`no SDK under ${sdkRoot} ships trustedroots/${BUNDLES.join(', ')}`);
  return join(sdkRoot, newest);
}

function countCertificates(text) {
  return (text.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
}

function renderTable(sdkDir, date) {
  const rows = BUNDLES.map((name) => {
    const bytes = readFileSync(join(targetDir, name));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return `| \`${name}\` | ${countCertificates(bytes.toString('latin1'))} | \`${sha256}\` |`;
  });
  return [
    TABLE_START,
    `Copied on ${date} from .NET SDK ${basename(sdkDir)} (\`${join(sdkDir, 'trustedroots')}\`).`,
    '',
    '| File | Certificates | SHA-256 |',
    '| --- | --- | --- |',
    ...rows,
    TABLE_END,
  ].join('\n');
}

function main() {
  const { sdk } = parseArgs(process.argv.slice(2));
  const sdkDir = resolveSdkDir(sdk);
  for (const name of BUNDLES) {
    const source = join(sdkDir, 'trustedroots', name);
    if (countCertificates(readFileSync(source, 'latin1')) === 0)
      fail(`${source} holds no certificate`);
    copyFileSync(source, join(targetDir, name));
  }
  const table = renderTable(sdkDir, new Date().toISOString().slice(0, 10));
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start)
    fail(`${readmePath} lacks the ${TABLE_START} … ${TABLE_END} markers`);
  writeFileSync(readmePath, readme.slice(0, start) + table + readme.slice(end + TABLE_END.length));
  console.log(table);
  console.log(
    'Now regenerate trustedroots/subject-index.json: UPDATE_SUBJECT_INDEX=1 npm test -- __tests__/unit/trust/subject-index.test.ts',
  );
}

main();
