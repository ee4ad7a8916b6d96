import { parseArgs } from 'node:util';
import { NupkgSigningError, isNupkgSigningError } from '../../errors.js';
import { expandPackageArguments } from '../../files/expand-packages.js';
import { FileAccessError } from '../../files/read-bounded-file.js';
import { openPackageArchive } from '../../package/archive.js';
import { readPackageIdentity } from '../../package/nuspec.js';
import { checkPolicyFile, loadPolicyFile } from '../../policy/signer-policy/index.js';
import { jsonText, logLines } from '../../report/escape.js';
import { issue, type Issue } from '../../issues.js';
import type { CommandOutput } from '../output.js';

export const POLICY_USAGE = `Usage: nupkg-signing policy check [options] FILE

Validates a signer policy file (schema/policy-file.schema.json): syntax, fields, fingerprints,
owners and required signers. Warns on registered certificates that expire within 30 days.

Options:
  --packages FILE|DIR|GLOB   also check that every package rule matches one of these packages,
                             and that a rule covers every package unless the file sets
                             unmatchedPackages: allow (repeatable)
  --json                     print {"file", "valid", "issues"} as JSON
  -h, --help                 show this help

Exit codes: 0 the file is usable, 1 it has errors, 2 usage or I/O error.`;

/** `nupkg-signing policy check FILE`. */
export async function runPolicy(argv: string[], out: CommandOutput, now: Date): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === '-h' || subcommand === '--help') {
    out.stdout(`${POLICY_USAGE}\n`);
    return 0;
  }
  if (subcommand !== 'check') {
    throw new NupkgSigningError(
      'NUPKG003',
      `Unknown policy command '${subcommand ?? ''}'. Use 'nupkg-signing policy check FILE'.`,
    );
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      packages: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    out.stdout(`${POLICY_USAGE}\n`);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0)
    throw new NupkgSigningError('NUPKG003', 'policy check takes exactly one FILE. See --help.');

  const issues = await checkFile(file, values.packages, now);
  const valid = !issues.some((i) => i.level === 'error');
  if (values.json) {
    out.stdout(jsonText({ file, valid, issues }));
  } else {
    const lines = issues.map((found) => `${found.level} ${found.code}: ${found.message}`);
    out.stdout(logLines([...lines, `${file}: ${valid ? 'OK' : 'has errors'}`]));
  }
  return valid ? 0 : 1;
}

async function checkFile(file: string, packages: readonly string[], now: Date): Promise<Issue[]> {
  let policy;
  try {
    policy = loadPolicyFile(file);
  } catch (error) {
    // A file that does not load is the finding itself, not a failure to run; a file that cannot
    // be opened at all (missing, a directory, no permission) is an I/O error: exit 2, as --help says.
    if (isNupkgSigningError(error) && error.cause instanceof FileAccessError) throw error;
    if (isNupkgSigningError(error) && error.code === 'NUPKG005')
      return [issue('NUPKG005', 'error', error.message)];
    throw error;
  }
  const ids = packages.length > 0 ? await packageIds(packages) : undefined;
  return checkPolicyFile(policy, now, ids);
}

async function packageIds(args: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const path of await expandPackageArguments(args)) {
    const archive = await openPackageArchive(path);
    try {
      const identity = await readPackageIdentity(archive);
      if (identity?.id) ids.push(identity.id);
    } finally {
      await archive.file.close();
    }
  }
  return ids;
}
