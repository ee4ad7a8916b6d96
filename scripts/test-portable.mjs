// The unit tests that need no .NET SDK, no openssl binary, no SoftHSM and no POSIX-only file
// (a FIFO, /dev/zero, unzip, symlinks and mode bits), for the workflow's Windows and macOS matrix
// (`npm run test:portable`). Everything left out here runs on Linux in `.ci/run`; the lists below
// say why a file is left out. Jest gets one ignore pattern, matched with either separator.
import { spawnSync } from 'node:child_process';

/** Need `dotnet nuget verify` (the oracle) through the shadow SDK, which is set up for Linux. */
const NEEDS_DOTNET = ['nuget-version', 'nuspec', 'dotnet-verify'];

/** Run the openssl binary (OCSP/CRL servers, PKCS#12 and CMS cross-checks); LibreSSL on macOS differs. */
const NEEDS_OPENSSL = [
  'checker',
  'load-key-material',
  'rc2',
  'countersignature-builder',
  'signature-builder',
  'timestamp-attribute',
];

/** POSIX-only situations: FIFOs, /dev/zero, unzip, symlinks without privileges, chmod modes. */
const POSIX_ONLY = [
  'expand-packages',
  'read-bounded-file',
  'hostile-config',
  'nuget-config-bounds',
  'writer',
  'temporary-files',
  'atomic-write',
];

const skipped = [
  ...NEEDS_DOTNET,
  ...NEEDS_OPENSSL,
  ...(process.platform === 'win32' ? POSIX_ONLY : []),
];
const pattern = `[/\\\\](${skipped.join('|')})\\.test\\.ts$`;
console.log(`Left out on ${process.platform}: ${skipped.join(', ')}.`);

const result = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    'node_modules/jest/bin/jest.js',
    '__tests__/unit',
    `--testPathIgnorePatterns=${pattern}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
