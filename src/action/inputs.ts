import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { NupkgSigningError, describeError } from '../errors.js';
import type { KeyInputs } from '../run/key-inputs.js';
import type { SignRunOptions } from '../run/sign-run.js';
import type { VerifyRunOptions } from '../run/verify-run.js';
import { JOBS_VARIABLE, parseJobs } from '../run/verify-batch.js';
import { FAIL_ON_VALUES, type FailOn } from '../run/verdict.js';
import { parseHashAlgorithmName, type HashAlgorithmName } from '../hash-algorithms.js';
import { certificateChainText } from '../trust/pem.js';
import {
  kmsKeyInputs,
  kmsKeySources,
  orphanKmsInputs,
  type KmsActionInputs,
} from './kms-inputs.js';
import { azureKeyVaultKeyInputs, type AzureKeyVaultActionInputs } from './azure-inputs.js';
import { pkcs11KeyInputs, type Pkcs11ActionInputs } from './pkcs11-inputs.js';

/** The action's inputs as GitHub passes them (strings, '' when not set), read once by index.ts. */
export interface ActionInputs {
  readonly mode: string;
  readonly packages: string;
  readonly policy: string;
  readonly policyFile: string;
  readonly published: string;
  readonly nugetConfig: string;
  /** Optional so that callers written before the input existed need not pass it. */
  readonly nugetConfigDiscovery?: string;
  readonly trustedRoots: string;
  readonly certificateFingerprints: string;
  readonly revocationMode: string;
  readonly revocationDir: string;
  readonly certificate: string;
  readonly certificatePassword: string;
  readonly privateKey: string;
  readonly certificateChain: string;
  readonly signCommand: string;
  readonly signUrl: string;
  readonly signKeyId: string;
  readonly signToken: string;
  readonly timestampUrls: string;
  readonly hashAlgorithm: string;
  readonly timestampHashAlgorithm: string;
  readonly overwrite: string;
  /** Optional so that callers written before the input existed need not pass it. */
  readonly nugetOrgAdvice?: string;
  readonly failOn: string;
  readonly allowNoPackages: string;
  readonly sarifFile: string;
  /** Optional so that callers written before the input existed need not pass it. */
  readonly junitFile?: string;
  readonly summary: string;
  readonly githubToken: string;
  readonly checkRun: string;
  /** A key in a PKCS#11 token (docs/pkcs11.md); absent or module '' when not used. */
  readonly pkcs11?: Pkcs11ActionInputs;
  /** A key in AWS KMS or Google Cloud KMS (docs/aws-kms.md, docs/google-cloud-kms.md). */
  readonly kms?: KmsActionInputs;
  /** A certificate in Azure Key Vault (docs/azure-key-vault.md); absent or URL '' when not used. */
  readonly azureKeyVault?: AzureKeyVaultActionInputs;
  readonly environment: ActionEnvironment;
}

/** What the runner tells the step through its environment. */
export interface ActionEnvironment {
  /** The repository checkout (GITHUB_WORKSPACE); report paths are relative to it. */
  readonly workspace: string;
  /** Where relative inputs are resolved (the step's working directory). */
  readonly cwd: string;
  /** RUNNER_TEMP: where the results file goes (else the workspace). */
  readonly runnerTemp?: string;
  /** GITHUB_ACTION: the step's id, which keeps two steps' results files apart. */
  readonly stepId?: string;
  /** `owner/name` (GITHUB_REPOSITORY). */
  readonly repository?: string;
  /** The commit the check run belongs to: the pull request's head, else GITHUB_SHA. */
  readonly headSha?: string;
  /** GITHUB_API_URL, for GitHub Enterprise Server. */
  readonly apiUrl?: string;
  /** NUGET_CERT_REVOCATION_MODE, which NuGet honours: `offline` turns network checks off. */
  readonly revocationModeVariable?: string;
  /** NUPKG_SIGNING_JOBS: worker threads for a batch (as `--jobs`); absent: the default. */
  readonly jobsVariable?: string;
  /**
   * The variables NuGet finds its user-wide and machine-wide nuget.config with (DOTNET_CLI_HOME, HOME, APPDATA,
   * NUGET_COMMON_APPLICATION_DATA, ProgramFiles(x86), ProgramFiles); absent: none of them set.
   */
  readonly nugetConfigVariables?: Readonly<Record<string, string | undefined>>;
}

export type Mode = 'verify' | 'sign' | 'sign-and-verify';
export type { FailOn };

export type VerifySettings = Omit<VerifyRunOptions, 'packages' | 'now' | 'cwd'>;
export type SignSettings = Omit<SignRunOptions, 'packages' | 'now' | 'cwd'>;

export interface CheckRunTarget {
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  readonly headSha: string;
  readonly apiUrl?: string;
}

interface CommonPlan {
  /** Globs, files or directories, as the CLI takes them. */
  readonly packages: readonly string[];
  readonly allowNoPackages: boolean;
  readonly verify: VerifySettings;
  readonly failOn: FailOn;
  readonly resultsFile: string;
  readonly sarifFile?: string;
  readonly junitFile?: string;
  readonly summary: boolean;
  readonly checkRun?: CheckRunTarget;
  /** Inputs that were given but do not apply, to warn about. */
  readonly notes: readonly string[];
}

/** Validated inputs, as the option objects the CLI also builds. */
export type ActionPlan = CommonPlan &
  ({ readonly mode: 'verify' } | { readonly mode: 'sign' | 'sign-and-verify'; sign: SignSettings });

export interface ResolveContext {
  /** Registers a value the log must never show (core.setSecret). */
  readonly mask: (secret: string) => void;
}

const TRUST_KEYWORDS = new Set(['default', 'sdk', 'system']);

/** Validates the inputs and turns them into run options; every error says how to fix it. */
export async function resolveInputs(
  inputs: ActionInputs,
  context: ResolveContext,
): Promise<ActionPlan> {
  const env = inputs.environment;
  const mode = oneOf('mode', inputs.mode, ['verify', 'sign', 'sign-and-verify'], 'verify');
  const trustedRoots = list(inputs.trustedRoots);
  const common: CommonPlan = {
    packages: list(inputs.packages).length ? list(inputs.packages) : ['**/*.nupkg'],
    allowNoPackages: flag('allow-no-packages', inputs.allowNoPackages, false),
    verify: {
      ...(inputs.policy ? { policy: inputs.policy } : {}),
      ...(inputs.policyFile ? { policyFile: inputs.policyFile } : {}),
      ...(flag('published', inputs.published, false) ? { published: true } : {}),
      ...(inputs.nugetConfig ? { nugetConfig: inputs.nugetConfig } : {}),
      // nuget-config wins over discovery, as --configfile does in dotnet.
      ...(!inputs.nugetConfig &&
      flag('nuget-config-discovery', inputs.nugetConfigDiscovery ?? '', true)
        ? {
            nugetConfigDiscovery: {
              workingDirectory: env.cwd,
              environment: env.nugetConfigVariables ?? {},
            },
          }
        : {}),
      trustedRoots,
      certificateFingerprints: list(inputs.certificateFingerprints),
      revocation: {
        mode: oneOf(
          'revocation-mode',
          inputs.revocationMode,
          ['online', 'offline', 'files'] as const,
          defaultRevocationMode(inputs),
        ),
        ...(inputs.revocationDir ? { directory: resolve(env.cwd, inputs.revocationDir) } : {}),
      },
      ...(env.jobsVariable ? { batch: { jobs: parseJobs(env.jobsVariable, JOBS_VARIABLE) } } : {}),
    },
    failOn: oneOf('fail-on', inputs.failOn, FAIL_ON_VALUES, 'error'),
    resultsFile: join(
      env.runnerTemp || env.workspace,
      `nupkg-signing-results-${(env.stepId || 'action').replace(/[^\w.-]+/g, '_')}.json`,
    ),
    ...(inputs.sarifFile ? { sarifFile: resolve(env.cwd, inputs.sarifFile) } : {}),
    ...(inputs.junitFile ? { junitFile: resolve(env.cwd, inputs.junitFile) } : {}),
    summary: flag('summary', inputs.summary, true),
    ...checkRunTarget(inputs),
    notes: mode === 'verify' ? ignoredSigningInputs(inputs) : [],
  };
  if (mode === 'verify') return { ...common, mode };
  return {
    ...common,
    mode,
    sign: {
      key: await keyInputs(inputs, context),
      hashAlgorithm: hashAlgorithm('hash-algorithm', inputs.hashAlgorithm),
      timestampUrls: list(inputs.timestampUrls),
      timestampHashAlgorithm: hashAlgorithm(
        'timestamp-hash-algorithm',
        inputs.timestampHashAlgorithm,
      ),
      overwrite: flag('overwrite', inputs.overwrite, false),
      nugetOrgAdvice: flag('nuget-org-advice', inputs.nugetOrgAdvice ?? '', true),
      // The pre-sign chain check takes PEM files; default/sdk/system are verification stores.
      trustedRoots: trustedRoots.filter((value) => !TRUST_KEYWORDS.has(value)),
      allowUntrustedRoot: false,
    },
  };
}

/** A list input: one value per line or comma-separated, blanks dropped. */
export function list(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * Online unless told otherwise: `files` with a folder, `offline` when the runner sets
 * NUGET_CERT_REVOCATION_MODE=offline as it would for dotnet.
 */
function defaultRevocationMode(inputs: ActionInputs): 'online' | 'offline' | 'files' {
  if (inputs.revocationDir) return 'files';
  return inputs.environment.revocationModeVariable?.trim().toLowerCase() === 'offline'
    ? 'offline'
    : 'online';
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[], fallback: T) {
  const given = value.trim() || fallback;
  if ((allowed as readonly string[]).includes(given)) return given as T;
  throw usage(`Input '${name}' must be ${describeChoices(allowed)}, not '${given}'.`);
}

/** YAML 1.2 core booleans, as core.getBooleanInput accepts them. */
function flag(name: string, value: string, fallback: boolean): boolean {
  const given = value.trim();
  if (given === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(given)) return true;
  if (['false', 'False', 'FALSE'].includes(given)) return false;
  throw usage(`Input '${name}' must be true or false, not '${given}'.`);
}

function hashAlgorithm(name: string, value: string): HashAlgorithmName {
  const given = value.trim() || 'SHA256';
  const parsed = parseHashAlgorithmName(given);
  if (!parsed) throw usage(`Input '${name}' must be SHA256, SHA384 or SHA512, not '${given}'.`);
  return parsed;
}

function checkRunTarget(inputs: ActionInputs): { checkRun?: CheckRunTarget } {
  if (!flag('check-run', inputs.checkRun, false)) return {};
  const env = inputs.environment;
  if (!inputs.githubToken) {
    throw usage(
      "Input 'check-run' is true but 'github-token' is empty. Pass a token with 'checks: write' permission (the default is ${{ github.token }}).",
    );
  }
  const [owner, repo] = (env.repository ?? '').split('/');
  if (!owner || !repo || !env.headSha) {
    throw usage(
      "Input 'check-run' needs GITHUB_REPOSITORY and GITHUB_SHA, which GitHub Actions sets; set check-run: false outside GitHub Actions.",
    );
  }
  return {
    checkRun: {
      token: inputs.githubToken,
      owner,
      repo,
      headSha: env.headSha,
      ...(env.apiUrl ? { apiUrl: env.apiUrl } : {}),
    },
  };
}

function ignoredSigningInputs(inputs: ActionInputs): string[] {
  const given = (
    [
      ['certificate', inputs.certificate],
      ['private-key', inputs.privateKey],
      ['sign-command', inputs.signCommand],
      ['sign-url', inputs.signUrl],
      ['timestamp-urls', inputs.timestampUrls],
      ['pkcs11-module', inputs.pkcs11?.module ?? ''],
      ...kmsKeySources(inputs.kms).map((name) => [name, 'set'] as const),
      ['azure-key-vault-url', inputs.azureKeyVault?.vaultUrl ?? ''],
    ] as const
  ).filter(([, value]) => value !== '');
  return given.map(
    ([name]) =>
      `Input '${name}' is ignored in mode verify. Set mode: sign-and-verify to sign the packages first.`,
  );
}

const KEY_SOURCES = ['certificate', 'private-key', 'sign-command', 'sign-url'] as const;

/**
 * Reads the signing key inputs: a PFX (base64 or a path), a PEM key with its chain, or a remote
 * signer (a command or a URL, docs/remote-signing.md) with the certificate chain.
 */
async function keyInputs(inputs: ActionInputs, context: ResolveContext): Promise<KeyInputs> {
  const { certificate, privateKey } = inputs;
  // A key that stays in a token or a key service: the chain input gives (or adds) certificates.
  const chainPem = async (certificates: boolean) =>
    inputs.certificateChain
      ? await pemInput(
          'certificate-chain',
          inputs.certificateChain,
          inputs.environment.cwd,
          certificates,
        )
      : undefined;
  // A cloud KMS key: the chain input is its certificate chain.
  if (kmsKeySources(inputs.kms).length > 0 && inputs.kms) {
    return kmsKeyInputs(inputs.kms, otherKeySources(inputs), await chainPem(true));
  }
  const orphan = orphanKmsInputs(inputs.kms);
  if (orphan !== undefined) throw usage(orphan);
  // Azure Key Vault: the key stays in the vault; the chain input gives the certificate's issuers.
  if (inputs.azureKeyVault && inputs.azureKeyVault.vaultUrl.trim() !== '') {
    return azureKeyVaultKeyInputs(
      inputs.azureKeyVault,
      otherKeySources(inputs, 'azure-key-vault-url'),
      await chainPem(true),
    );
  }
  // PKCS#11: the key stays in the token; the chain input only adds certificates.
  if (inputs.pkcs11 && inputs.pkcs11.module !== '') {
    return pkcs11KeyInputs(
      inputs.pkcs11,
      otherKeySources(inputs, 'pkcs11-module'),
      await chainPem(false),
    );
  }
  const values: Record<(typeof KEY_SOURCES)[number], string> = {
    certificate,
    'private-key': privateKey,
    'sign-command': inputs.signCommand,
    'sign-url': inputs.signUrl,
  };
  const given = KEY_SOURCES.filter((name) => values[name].trim() !== '');
  if (given.length !== 1) {
    throw usage(
      given.length === 0
        ? "Signing needs a key: set 'certificate' (a PFX file path or its base64), 'private-key' with 'certificate-chain', or a remote signer 'sign-command' or 'sign-url' with 'certificate-chain'; or a key in a token ('pkcs11-module') or a cloud key service ('aws-kms-key-id', 'gcp-kms-key-version')."
        : `Set exactly one signing key source, not ${given.map((name) => `'${name}'`).join(' and ')}.`,
    );
  }
  const remote = given[0] === 'sign-command' || given[0] === 'sign-url';
  if (inputs.signToken !== '' && given[0] !== 'sign-url') {
    throw usage("Input 'sign-token' is sent only to 'sign-url'; remove it or set 'sign-url'.");
  }
  if (inputs.signKeyId !== '' && !remote) {
    throw usage("Input 'sign-key-id' applies only to 'sign-command' and 'sign-url'; remove it.");
  }
  const cwd = inputs.environment.cwd;
  const password = inputs.certificatePassword ? { password: inputs.certificatePassword } : {};
  const chain = inputs.certificateChain
    ? {
        certificateChainPem: await pemInput(
          'certificate-chain',
          inputs.certificateChain,
          cwd,
          true,
        ),
      }
    : {};
  if (remote) {
    if (!inputs.certificateChain) {
      throw usage(
        `Input '${given[0] ?? ''}' needs 'certificate-chain': the signing certificate first, then its intermediates, as PEM text or a file.`,
      );
    }
    return {
      ...(given[0] === 'sign-command'
        ? { signCommand: commandLines(inputs.signCommand) }
        : { signUrl: inputs.signUrl.trim() }),
      ...(inputs.signKeyId !== '' ? { keyId: inputs.signKeyId.trim() } : {}),
      ...(inputs.signToken !== '' ? { bearerToken: inputs.signToken } : {}),
      ...chain,
      source: inputs.certificateChain.includes('-----BEGIN')
        ? "the 'certificate-chain' input"
        : inputs.certificateChain,
    };
  }
  if (certificate !== '') {
    const { bytes, source } = await pfxInput(certificate, cwd);
    context.mask(Buffer.from(bytes).toString('base64'));
    return { pfx: bytes, ...password, ...chain, source };
  }
  const pem = await pemInput('private-key', privateKey, cwd);
  context.mask(pem);
  return {
    privateKeyPem: pem,
    ...password,
    ...chain,
    source: pem === privateKey ? "the 'private-key' input" : privateKey,
  };
}

/**
 * The key-source inputs that are set, other than `except`: what a key in a token, a vault or a
 * KMS must not be combined with (cloud KMS key inputs are checked by kms-inputs.ts itself).
 */
function otherKeySources(inputs: ActionInputs, except?: string): string[] {
  const given: readonly (readonly [string, string])[] = [
    ['certificate', inputs.certificate],
    ['private-key', inputs.privateKey],
    ['sign-command', inputs.signCommand],
    ['sign-url', inputs.signUrl],
    ['pkcs11-module', inputs.pkcs11?.module ?? ''],
    ['azure-key-vault-url', inputs.azureKeyVault?.vaultUrl ?? ''],
  ];
  return given
    .filter(([name, value]) => name !== except && value.trim() !== '')
    .map(([name]) => name);
}

/**
 * `sign-command`: the program on the first line, one argument per further line. Each line is one
 * argument exactly as written (only the whitespace around it is dropped, blank lines skipped):
 * nothing is split, unquoted or expanded, on any OS.
 */
export function commandLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** `certificate`: the path of a .pfx/.p12 file, else its base64. */
async function pfxInput(
  value: string,
  cwd: string,
): Promise<{ bytes: Uint8Array; source: string }> {
  const path = await existingFile(value, cwd);
  if (path) return { bytes: await readInput('certificate', path), source: value };
  const compact = value.replace(/\s+/g, '');
  if (compact.length >= 16 && compact.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    return { bytes: Buffer.from(compact, 'base64'), source: "the 'certificate' input" };
  }
  // The value may be a secret: describe it, never echo it.
  throw usage(
    `Input 'certificate' is neither an existing file (relative to ${cwd}) nor base64 PFX data. Give the path of a .pfx file, or store the output of 'base64 -w0 signing.pfx' in a secret and pass that.`,
  );
}

/** A PEM input: the PEM text itself, or the path of a PEM file. */
/** PEM text or a file holding it; a certificate file (`certificates`) may also be DER (.cer). */
async function pemInput(
  name: string,
  value: string,
  cwd: string,
  certificates = false,
): Promise<string> {
  if (value.includes('-----BEGIN')) return value;
  const path = await existingFile(value, cwd);
  if (path && certificates) return certificateChainText(await readInput(name, path), path);
  if (path) return (await readInput(name, path)).toString('utf8');
  throw usage(
    `Input '${name}' is neither PEM text (-----BEGIN …-----) nor an existing file (relative to ${cwd}).`,
  );
}

async function existingFile(value: string, cwd: string): Promise<string | undefined> {
  if (value.includes('\n') || value.length > 4096) return undefined;
  const path = isAbsolute(value) ? value : resolve(cwd, value);
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? path : undefined;
}

async function readInput(name: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new NupkgSigningError(
      'NUPKG002',
      `Cannot read '${path}' (input '${name}'): ${describeError(error)}`,
      {
        file: path,
        cause: error,
      },
    );
  }
}

function describeChoices(values: readonly string[]): string {
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1] ?? ''}`;
}

function usage(message: string): NupkgSigningError {
  return new NupkgSigningError('NUPKG003', message);
}
