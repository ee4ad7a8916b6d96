import { parseArgs } from 'node:util';
import { NupkgSigningError } from '../../errors.js';
import { logLines } from '../../report/escape.js';
import { renderJson } from '../../report/json.js';
import { renderText } from '../../report/text.js';
import { resolveRevocationMode } from '../../revocation/index.js';
import { JOBS_VARIABLE, parseJobs } from '../../run/verify-batch.js';
import { runVerification } from '../../run/verify-run.js';
import type { CommandOutput } from '../output.js';
import { createProgress } from '../progress.js';
import { useColor } from '../color.js';
import { parseTime } from '../parse-time.js';
import { parseFailOn, publishCliRun, REPORT_OPTIONS, reportUsage } from '../report-options.js';

export const VERIFY_USAGE = `Usage: nupkg-signing verify [options] FILE|DIR|GLOB...

Verifies NuGet package signatures the way 'dotnet nuget verify --all' does, and optionally
whether nuget.org would accept the signer (--policy-file).

Options:
  --json               print one JSON document ({"results": [...]}) instead of text
  -q, --quiet          print only the packages that fail and the total
  --verbose            print every note (each chain not checked offline) and the
                       signers' subjects, SHA-256 fingerprints and times
  --policy NAME        verify (default), accept, require or nuget.org
  --policy-file FILE   signer policy: registered certificates, owners, required signer
                       (see examples/policy.yml and schema/policy-file.schema.json)
  --configfile FILE    apply the trustedSigners and signatureValidationMode of this nuget.config
                       only; without it, those of the nuget.config files dotnet would read
                       (from the working directory up, user-wide, machine-wide), merged
  --no-nuget-config-discovery
                       without --configfile, apply no nuget.config at all
  --repository-certificates FILE|nuget.org
                       check repository signatures against a RepositorySignatures list
  --published          with nuget.org's rules: judge a version nuget.org already serves
                       (removed or expired certificates do not count against it) instead
                       of a new push
  --at TIME            evaluate at this ISO 8601 time instead of now
  --trusted-roots X    default (what dotnet uses here), sdk (the .NET SDK bundles shipped
                       with this tool), system (the OS store as trusted for TLS), or a PEM
                       file or directory of extra roots; repeatable
  --certificate-fingerprint HEX
                       accept only packages whose primary signing certificate has this
                       SHA-256 fingerprint; repeatable (like dotnet nuget verify)
  --revocation-mode M  online (OCSP, then CRL, over http), offline (no network: unknown
                       status is information only) or files (from --revocation-dir);
                       default: NUGET_CERT_REVOCATION_MODE, else online
  --revocation-dir DIR *.ocsp (DER) and *.crl (DER or PEM) files for files mode (the
                       default mode when only this is given); a cache in online mode
  --jobs N             worker threads for a batch: 1 verifies in one thread; default:
                       NUPKG_SIGNING_JOBS, else 2 on machines of 4 or more cores when
                       the batch is large enough to pay for them (results are the same)
${reportUsage(23)}
  -h, --help           show this help

In Azure Pipelines (TF_BUILD=True), errors and warnings are also pipeline issues.

Exit codes: 0 every package is valid (with --fail-on warning: and has no warning;
with --fail-on never: always), 1 otherwise, 2 usage or I/O error.`;

/** `nupkg-signing verify`: maps argv to verify options, runs, renders. Returns the exit code. */
export async function runVerify(
  argv: string[],
  out: CommandOutput,
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', short: 'q', default: false },
      verbose: { type: 'boolean', default: false },
      policy: { type: 'string' },
      'policy-file': { type: 'string' },
      configfile: { type: 'string' },
      'no-nuget-config-discovery': { type: 'boolean', default: false },
      'repository-certificates': { type: 'string' },
      at: { type: 'string' },
      published: { type: 'boolean', default: false },
      'trusted-roots': { type: 'string', multiple: true, default: [] },
      'certificate-fingerprint': { type: 'string', multiple: true, default: [] },
      'revocation-mode': { type: 'string' },
      'revocation-dir': { type: 'string' },
      jobs: { type: 'string' },
      ...REPORT_OPTIONS,
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
  const failOn = parseFailOn(values);
  if (values.quiet && values.verbose) {
    throw new NupkgSigningError('NUPKG003', 'Give --quiet or --verbose, not both.');
  }
  const jobs = values.jobs ?? env[JOBS_VARIABLE];
  const jobsSource = values.jobs === undefined ? JOBS_VARIABLE : '--jobs';
  const progress = createProgress(out, { verb: 'Verified', json: values.json });
  const { results, expansion, nugetConfigFiles } = await runVerification({
    packages: positionals,
    ...(values.policy !== undefined ? { policy: values.policy } : {}),
    ...(values['policy-file'] !== undefined ? { policyFile: values['policy-file'] } : {}),
    ...(values.configfile !== undefined ? { nugetConfig: values.configfile } : {}),
    ...(values['no-nuget-config-discovery']
      ? {}
      : { nugetConfigDiscovery: { workingDirectory: process.cwd(), environment: env } }),
    ...(values['repository-certificates'] !== undefined
      ? { repositoryCertificates: values['repository-certificates'] }
      : {}),
    ...(values.published ? { published: true } : {}),
    onRunIssue: (found) => out.stderr(logLines([`${found.level} ${found.code}: ${found.message}`])),
    onProgress: progress.update,
    trustedRoots: values['trusted-roots'],
    certificateFingerprints: values['certificate-fingerprint'],
    now: values.at === undefined ? now : parseTime(values.at),
    revocation: {
      ...(values['revocation-mode'] !== undefined
        ? { mode: resolveRevocationMode(values['revocation-mode']) }
        : {}),
      ...(values['revocation-dir'] !== undefined ? { directory: values['revocation-dir'] } : {}),
    },
    ...(jobs ? { batch: { jobs: parseJobs(jobs, jobsSource) } } : {}),
  }).finally(progress.finish);
  out.stdout(
    values.json
      ? renderJson(results, expansion, nugetConfigFiles)
      : renderText(results, {
          expansion,
          ...(nugetConfigFiles && { nugetConfigFiles }),
          quiet: values.quiet,
          verbose: values.verbose,
          color: useColor(env, out.stdoutIsTerminal === true),
        }),
  );
  return publishCliRun(
    { mode: 'verify', failOn, signing: [], verifications: results, json: values.json },
    values,
    out,
    env,
  );
}
