import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { JOBS_VARIABLE } from '../run/verify-batch.js';
import { azureKeyVaultSecrets, readAzureKeyVaultInputs } from './azure-inputs.js';
import type { ActionInputs } from './inputs.js';
import { readKmsInputs } from './kms-inputs.js';
import { maskSecret } from './mask.js';
import { readPkcs11Inputs } from './pkcs11-inputs.js';

/**
 * Reads every input once (the only place that calls core.getInput) and masks the secrets before
 * anything else happens. index.ts calls it for GitHub; `run()` without arguments calls it for
 * @github/local-action, which imports main.ts and calls `run()` itself.
 */
export function readActionInputs(env: NodeJS.ProcessEnv = process.env): ActionInputs {
  const get = (name: string) => core.getInput(name);
  const cwd = process.cwd();
  const inputs: ActionInputs = {
    mode: get('mode'),
    packages: get('packages'),
    policy: get('policy'),
    policyFile: get('policy-file'),
    published: get('published'),
    nugetConfig: get('nuget-config'),
    nugetConfigDiscovery: get('nuget-config-discovery'),
    trustedRoots: get('trusted-roots'),
    certificateFingerprints: get('certificate-fingerprints'),
    revocationMode: get('revocation-mode'),
    revocationDir: get('revocation-dir'),
    certificate: get('certificate'),
    certificatePassword: get('certificate-password'),
    privateKey: get('private-key'),
    certificateChain: get('certificate-chain'),
    // One string; inputs.ts turns its lines into the argument vector (one argument per line).
    signCommand: get('sign-command'),
    signUrl: get('sign-url'),
    signKeyId: get('sign-key-id'),
    signToken: get('sign-token'),
    timestampUrls: get('timestamp-urls'),
    hashAlgorithm: get('hash-algorithm'),
    timestampHashAlgorithm: get('timestamp-hash-algorithm'),
    overwrite: get('overwrite'),
    nugetOrgAdvice: get('nuget-org-advice'),
    failOn: get('fail-on'),
    allowNoPackages: get('allow-no-packages'),
    sarifFile: get('sarif-file'),
    junitFile: get('junit-file'),
    summary: get('summary'),
    githubToken: get('github-token'),
    checkRun: get('check-run'),
    pkcs11: readPkcs11Inputs(get),
    kms: readKmsInputs(get),
    azureKeyVault: readAzureKeyVaultInputs(get, env),
    environment: {
      workspace: env.GITHUB_WORKSPACE || cwd,
      cwd,
      ...optional('runnerTemp', env.RUNNER_TEMP),
      ...optional('stepId', env.GITHUB_ACTION),
      ...optional('repository', env.GITHUB_REPOSITORY),
      ...optional('headSha', pullRequestHead() ?? env.GITHUB_SHA),
      ...optional('apiUrl', env.GITHUB_API_URL),
      ...optional('revocationModeVariable', env.NUGET_CERT_REVOCATION_MODE),
      ...optional('jobsVariable', env[JOBS_VARIABLE]),
      nugetConfigVariables: {
        DOTNET_CLI_HOME: env.DOTNET_CLI_HOME,
        HOME: env.HOME,
        APPDATA: env.APPDATA,
        NUGET_COMMON_APPLICATION_DATA: env.NUGET_COMMON_APPLICATION_DATA,
        'ProgramFiles(x86)': env['ProgramFiles(x86)'],
        ProgramFiles: env.ProgramFiles,
      },
    },
  };
  // A path is not secret; a key or its base64 is. File contents are masked when read (inputs.ts).
  if (!isFile(inputs.certificate, cwd)) maskSecret(inputs.certificate);
  if (!isFile(inputs.privateKey, cwd)) maskSecret(inputs.privateKey);
  maskSecret(inputs.certificatePassword);
  maskSecret(inputs.githubToken);
  maskSecret(inputs.signToken);
  maskSecret(inputs.pkcs11?.pin ?? '');
  maskSecret(inputs.kms?.gcpAccessToken ?? '');
  for (const secret of azureKeyVaultSecrets(inputs.azureKeyVault)) maskSecret(secret);
  return inputs;
}

/** On pull_request events GITHUB_SHA is the merge commit; the check belongs to the PR head. */
function pullRequestHead(): string | undefined {
  const head: unknown = github.context.payload.pull_request?.head;
  const sha = (head as { sha?: unknown } | undefined)?.sha;
  return typeof sha === 'string' ? sha : undefined;
}

function isFile(value: string, cwd: string): boolean {
  if (value === '' || value.includes('\n') || value.length > 4096) return false;
  try {
    return statSync(resolve(cwd, value)).isFile();
  } catch {
    return false;
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
