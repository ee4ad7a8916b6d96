import { parseArgs } from 'node:util';
import { NupkgSigningError } from '../../errors.js';
import { expandPackageArguments } from '../../files/expand-packages.js';
import { getPreset } from '../../policy/presets.js';
import { renderJson } from '../../report/json.js';
import { renderText } from '../../report/text.js';
import { verifyPackage } from '../../verify/verify-package.js';
import type { PackageResult } from '../../verify/result.js';
import type { CommandOutput } from '../output.js';
import { parseTime } from '../parse-time.js';

export const VERIFY_USAGE = `Usage: nupkg-signing verify [options] FILE|DIR|GLOB...

Verifies NuGet package signatures the way 'dotnet nuget verify --all' does.

Options:
  --json               print one JSON document ({"results": [...]}) instead of text
  --policy NAME        verify (default), accept, require or nuget.org
  --at TIME            evaluate at this ISO 8601 time instead of now
  -h, --help           show this help

Exit codes: 0 every package is valid, 1 some package is not, 2 usage or I/O error.`;

/** `nupkg-signing verify`: maps argv to verify options, runs, renders. Returns the exit code. */
export async function runVerify(argv: string[], out: CommandOutput, now: Date): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      policy: { type: 'string', default: 'verify' },
      at: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    out.stdout(`${VERIFY_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) {
    throw new NupkgSigningError(
      'NUPKG003',
      'verify needs at least one FILE, DIR or GLOB. See --help.',
    );
  }
  const policy = getPreset(values.policy);
  const at = values.at === undefined ? now : parseTime(values.at);
  const files = await expandPackageArguments(positionals);

  const results: PackageResult[] = [];
  for (const file of files) results.push(await verifyPackage(file, { policy, now: at }));

  out.stdout(values.json ? renderJson(results) : renderText(results));
  return results.every((r) => r.valid) ? 0 : 1;
}
