import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { describeError, NupkgSigningError } from '../../errors.js';
import type { ExpansionSummary } from '../../files/expand-packages.js';
import { describeExpansion, searchDocument } from '../../report/expansion.js';
import type { KeyInputs } from '../../run/key-inputs.js';
import { jsonText, logLines } from '../../report/escape.js';
import type { SignOutcome } from '../../sign/sign-outcome.js';
import { removedTemporariesNote, runSigning } from '../../run/sign-run.js';
import { parseHashAlgorithmName, type HashAlgorithmName } from '../../hash-algorithms.js';
import { certificateChainText } from '../../trust/pem.js';
import {
  AZURE_KEY_VAULT_OPTIONS,
  AZURE_KEY_VAULT_USAGE,
  azureKeyVaultInputs,
  type AzureKeyVaultOptionValues,
} from '../azure-options.js';
import type { CommandOutput } from '../output.js';
import { createProgress } from '../progress.js';
import {
  KMS_KEY_SOURCE_USAGE,
  KMS_KEY_SOURCES,
  KMS_OPTIONS,
  KMS_OPTIONS_USAGE,
  kmsKeyInputs,
} from './kms-options.js';
import { parseFailOn, publishCliRun, REPORT_OPTIONS, reportUsage } from '../report-options.js';

export const PASSWORD_VARIABLE = 'NUPKG_SIGNING_CERTIFICATE_PASSWORD';
const DEFAULT_TOKEN_VARIABLE = 'NUPKG_SIGNING_TOKEN';
const DEFAULT_PKCS11_PIN_VARIABLE = 'NUPKG_SIGNING_PKCS11_PIN';

export const SIGN_USAGE = `Usage: nupkg-signing sign [options] FILE|DIR|GLOB...

Author-signs NuGet packages the way 'dotnet nuget sign' does. Give one key source:
  --certificate-path FILE.pfx     PKCS#12 file; password from --certificate-password or
                                  the ${PASSWORD_VARIABLE} environment variable
  --private-key FILE.pem          PEM private key, with --certificate-chain
  --sign-command "CMD ARGS"       run a command to sign each digest, split into words by
                                  POSIX rules (Windows: C runtime rules; no shell either
                                  way; docs/remote-signing.md)
  --sign-url URL                  POST each digest to a key service (docs/remote-signing.md)
  --pkcs11-module FILE            sign with a key in an HSM or token through its PKCS#11
                                  module, driven by OpenSC's pkcs11-tool (docs/pkcs11.md)
${KMS_KEY_SOURCE_USAGE}
  --azure-key-vault URL           sign with a certificate's key in Azure Key Vault
                                  (https://NAME.vault.azure.net; options below)

Options:
  --certificate-chain FILE        PEM or DER (.cer): signing certificate first, then intermediates
  --certificate-password PASS     PFX password or PEM key passphrase
  --sign-token-env NAME           env var holding the --sign-url bearer token
                                  (default ${DEFAULT_TOKEN_VARIABLE})
  --key-id ID                     passed to the remote signer
  --pkcs11-token LABEL            token label (else --pkcs11-slot, else the first token)
  --pkcs11-slot ID                slot id as 'pkcs11-tool -L' prints it
  --pkcs11-key ID                 key id (hex CKA_ID; the certificate object shares it)
  --pkcs11-key-label LABEL        key label, instead of --pkcs11-key
  --pkcs11-pin-env NAME           env var holding the token user PIN
                                  (default ${DEFAULT_PKCS11_PIN_VARIABLE})
  --pkcs11-tool PATH              pkcs11-tool program (default: from PATH)
${KMS_OPTIONS_USAGE}
  --hash-algorithm ALG            SHA256 (default), SHA384 or SHA512
  --timestamper URL               RFC 3161 server; repeat to give fallbacks (tried in order)
  --timestamp-hash-algorithm ALG  SHA256 (default), SHA384 or SHA512
  -o, --output DIR                write signed packages to DIR (default: replace in place)
  --overwrite                     replace an existing signature
  --trusted-roots FILE            extra roots for the pre-sign chain check, PEM or
                                  DER .cer (repeatable)
  --allow-untrusted-root          sign although the chain's root is untrusted (NuGet refuses)
  --no-nuget-org-advice           no "nuget.org would reject this" warnings (internal feeds)
  --json                          print one JSON document ({"results": [...]})
${reportUsage(34)}
  -h, --help                      show this help

${AZURE_KEY_VAULT_USAGE}

Exit codes: 0 every package was signed, 1 some package was not, 2 usage or I/O error.`;

/** `nupkg-signing sign`: maps argv to signing options, signs each package, reports. */
export async function runSign(
  argv: string[],
  out: CommandOutput,
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'certificate-path': { type: 'string' },
      'certificate-password': { type: 'string' },
      'private-key': { type: 'string' },
      'certificate-chain': { type: 'string' },
      'sign-command': { type: 'string' },
      'sign-url': { type: 'string' },
      'sign-token-env': { type: 'string', default: DEFAULT_TOKEN_VARIABLE },
      'key-id': { type: 'string' },
      'pkcs11-module': { type: 'string' },
      'pkcs11-token': { type: 'string' },
      'pkcs11-slot': { type: 'string' },
      'pkcs11-key': { type: 'string' },
      'pkcs11-key-label': { type: 'string' },
      'pkcs11-pin-env': { type: 'string', default: DEFAULT_PKCS11_PIN_VARIABLE },
      'pkcs11-tool': { type: 'string' },
      ...KMS_OPTIONS,
      ...AZURE_KEY_VAULT_OPTIONS,
      'hash-algorithm': { type: 'string', default: 'SHA256' },
      timestamper: { type: 'string', multiple: true, default: [] },
      'timestamp-hash-algorithm': { type: 'string', default: 'SHA256' },
      output: { type: 'string', short: 'o' },
      overwrite: { type: 'boolean', default: false },
      'trusted-roots': { type: 'string', multiple: true, default: [] },
      'allow-untrusted-root': { type: 'boolean', default: false },
      'no-nuget-org-advice': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      ...REPORT_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    out.stdout(`${SIGN_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) {
    throw usage('sign needs at least one FILE, DIR or GLOB. See --help.');
  }
  // Options are checked before any key file is read.
  const failOn = parseFailOn(values);
  const hashAlgorithm = hashOption(values['hash-algorithm'], '--hash-algorithm');
  const timestampHashAlgorithm = hashOption(
    values['timestamp-hash-algorithm'],
    '--timestamp-hash-algorithm',
  );
  const progress = createProgress(out, { verb: 'Signed', json: values.json });
  const { outcomes, expansion } = await runSigning({
    packages: positionals,
    key: await readKeyInputs(values, env),
    hashAlgorithm,
    timestampUrls: values.timestamper,
    timestampHashAlgorithm,
    ...(values.output === undefined ? {} : { outputDirectory: values.output }),
    overwrite: values.overwrite,
    trustedRoots: values['trusted-roots'],
    allowUntrustedRoot: values['allow-untrusted-root'],
    ...(values['no-nuget-org-advice'] ? { nugetOrgAdvice: false } : {}),
    // One signing time for the batch, as the CLI's clock is read once per run.
    now: () => now,
    onProgress: progress.update,
  }).finally(progress.finish);
  out.stdout(
    values.json
      ? jsonText({ results: outcomes, search: searchDocument(expansion) })
      : renderText(outcomes, expansion),
  );
  const code = await publishCliRun(
    { mode: 'sign', failOn, signing: outcomes, verifications: [], json: values.json },
    values,
    out,
    env,
  );
  if (outcomes.some((o) => o.error?.code === 'NUPKG002')) return 2;
  return code;
}

interface KeyOptions extends AzureKeyVaultOptionValues {
  readonly 'certificate-path'?: string | undefined;
  readonly 'certificate-password'?: string | undefined;
  readonly 'private-key'?: string | undefined;
  readonly 'certificate-chain'?: string | undefined;
  readonly 'sign-command'?: string | undefined;
  readonly 'sign-url'?: string | undefined;
  readonly 'sign-token-env': string;
  readonly 'key-id'?: string | undefined;
  readonly 'pkcs11-module'?: string | undefined;
  readonly 'pkcs11-token'?: string | undefined;
  readonly 'pkcs11-slot'?: string | undefined;
  readonly 'pkcs11-key'?: string | undefined;
  readonly 'pkcs11-key-label'?: string | undefined;
  readonly 'pkcs11-pin-env': string;
  readonly 'pkcs11-tool'?: string | undefined;
  readonly 'aws-kms-key'?: string | undefined;
  readonly 'gcp-kms-key-version'?: string | undefined;
}

/** Reads the key files the options name; secrets go into the inputs object and nowhere else. */
async function readKeyInputs(
  values: KeyOptions & Parameters<typeof kmsKeyInputs>[0],
  env: NodeJS.ProcessEnv,
): Promise<KeyInputs> {
  const sources = [
    'certificate-path',
    'private-key',
    'sign-command',
    'sign-url',
    'pkcs11-module',
    ...KMS_KEY_SOURCES,
    'azure-key-vault',
  ] as const;
  const given = sources.filter((name) => values[name] !== undefined);
  if (given.length !== 1) {
    throw usage(
      `Give exactly one of --certificate-path, --private-key, --sign-command, --sign-url, --pkcs11-module, --azure-key-vault, --aws-kms-key and --gcp-kms-key-version (got ${given.length === 0 ? 'none' : given.map((n) => `--${n}`).join(', ')}).`,
    );
  }
  const password = values['certificate-password'] ?? env[PASSWORD_VARIABLE];
  const chainPath = values['certificate-chain'];
  const pfxPath = values['certificate-path'];
  const keyPath = values['private-key'];
  const token = env[values['sign-token-env']];
  return {
    ...(pfxPath !== undefined ? { pfx: await readFile(pfxPath).catch(unreadable(pfxPath)) } : {}),
    ...(keyPath !== undefined ? { privateKeyPem: await readText(keyPath) } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(chainPath !== undefined ? { certificateChainPem: await readChain(chainPath) } : {}),
    ...(values['sign-command'] !== undefined ? { signCommand: values['sign-command'] } : {}),
    ...(values['sign-url'] !== undefined ? { signUrl: values['sign-url'] } : {}),
    ...(values['key-id'] !== undefined ? { keyId: values['key-id'] } : {}),
    ...(token ? { bearerToken: token } : {}),
    ...pkcs11Inputs(values, env),
    ...kmsKeyInputs(values, env),
    ...azureKeyVaultInputs(values, env),
    source: pfxPath ?? keyPath ?? chainPath ?? '',
  };
}

/** The PKCS#11 options; the PIN comes from the variable --pkcs11-pin-env names, never argv. */
function pkcs11Inputs(values: KeyOptions, env: NodeJS.ProcessEnv): Pick<KeyInputs, 'pkcs11'> {
  const module = values['pkcs11-module'];
  if (module === undefined) return {};
  const key = values['pkcs11-key'];
  const keyLabel = values['pkcs11-key-label'];
  if ((key === undefined) === (keyLabel === undefined)) {
    throw usage('Give exactly one of --pkcs11-key (the hex key id) and --pkcs11-key-label.');
  }
  if (values['pkcs11-token'] !== undefined && values['pkcs11-slot'] !== undefined) {
    throw usage('Give --pkcs11-token or --pkcs11-slot, not both.');
  }
  const pinVariable = values['pkcs11-pin-env'];
  const pin = env[pinVariable];
  if (!pin) {
    throw usage(
      `The PKCS#11 PIN variable ${pinVariable} is not set: put the token user PIN in it (or name another variable with --pkcs11-pin-env).`,
    );
  }
  const optional = (name: string, value: string | undefined) =>
    value === undefined ? {} : { [name]: value };
  return {
    pkcs11: {
      module,
      pin,
      ...optional('tokenLabel', values['pkcs11-token']),
      ...optional('slot', values['pkcs11-slot']),
      ...optional('keyId', key),
      ...optional('keyLabel', keyLabel),
      ...optional('tool', values['pkcs11-tool']),
    },
  };
}

function renderText(outcomes: readonly SignOutcome[], expansion: ExpansionSummary): string {
  const lines: string[] = [];
  for (const outcome of outcomes) {
    const note = removedTemporariesNote(outcome);
    if (note) lines.push(note);
    if (outcome.error) {
      lines.push(
        `${outcome.file}: not signed`,
        `  error ${outcome.error.code}: ${outcome.error.message}`,
      );
      continue;
    }
    const where = outcome.outputPath === outcome.file ? '' : ` -> ${outcome.outputPath ?? ''}`;
    const when = outcome.timestampTime ? `, timestamped ${outcome.timestampTime}` : '';
    lines.push(
      `${outcome.file}: signed${where} (certificate SHA-256 ${outcome.certificateFingerprint ?? ''}${when})`,
    );
    for (const warning of outcome.warnings)
      lines.push(`  warning ${warning.code}: ${warning.message}`);
  }
  const signed = outcomes.filter((o) => o.signed).length;
  // What the arguments' expansion looked at, on its own line: the last line stays the count.
  lines.push(`Searched: ${describeExpansion(expansion)}.`);
  lines.push(`${signed} of ${outcomes.length} package(s) signed.`);
  return logLines(lines);
}

function hashOption(value: string, option: string): HashAlgorithmName {
  const parsed = parseHashAlgorithmName(value);
  if (!parsed) throw usage(`${option} must be SHA256, SHA384 or SHA512, not '${value}'.`);
  return parsed;
}

/** A chain file, PEM or DER (a Windows .cer export), as PEM text. */
async function readChain(path: string): Promise<string> {
  return certificateChainText(await readFile(path).catch(unreadable(path)), path);
}

async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(unreadable(path));
}

function unreadable(path: string): (error: unknown) => never {
  return (error) => {
    throw new NupkgSigningError('NUPKG002', `Cannot read '${path}': ${describeError(error)}`, {
      file: path,
      cause: error,
    });
  };
}

function usage(message: string): NupkgSigningError {
  return new NupkgSigningError('NUPKG003', message);
}
