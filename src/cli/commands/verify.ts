import { parseArgs } from 'node:util';
import { NupkgSigningError } from '../../errors.js';
import { expandPackageArguments } from '../../files/expand-packages.js';
import { getPreset, withOverrides } from '../../policy/presets.js';
import { selectTrustStores } from '../../trust/select-trust-stores.js';
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
  --trusted-roots X    default (what dotnet uses here), sdk (the .NET SDK bundles shipped
                       with this tool), system (the OS bundle), or a PEM file or directory
                       of extra roots; repeatable
  --certificate-fingerprint HEX
                       accept only packages whose primary signing certificate has this
                       SHA-256 fingerprint; repeatable (like dotnet nuget verify)
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
      'trusted-roots': { type: 'string', multiple: true, default: [] },
      'certificate-fingerprint': { type: 'string', multiple: true, default: [] },
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
  const fingerprints = values['certificate-fingerprint'].map(parseFingerprint);
  const preset = getPreset(values.policy);
  const policy = fingerprints.length
    ? withOverrides(preset, { allowedFingerprints: fingerprints })
    : preset;
  const trust = selectTrustStores(values['trusted-roots']);
  const at = values.at === undefined ? now : parseTime(values.at);
  const files = await expandPackageArguments(positionals);

  const results: PackageResult[] = [];
  for (const file of files) results.push(await verifyPackage(file, { policy, now: at, trust }));

  out.stdout(values.json ? renderJson(results) : renderText(results));
  return results.every((r) => r.valid) ? 0 : 1;
}

/** A SHA-256 fingerprint as users paste it: hex, any case, optional colons or spaces. */
function parseFingerprint(text: string): string {
  const hex = text.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new NupkgSigningError(
      'NUPKG003',
      `'${text}' is not a SHA-256 fingerprint (64 hexadecimal digits).`,
    );
  }
  return hex;
}
