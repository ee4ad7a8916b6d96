import type { ActionEnvironment, ActionInputs } from '../../src/action/inputs.js';

/**
 * Every action input as GitHub passes an unset one (''), with the given environment and
 * overrides: what `readActionInputs` returns for a step with no `with:`, for in-process tests of
 * `resolveInputs` and `run`.
 */
export function actionInputs(
  environment: ActionEnvironment,
  given: Partial<ActionInputs> = {},
): ActionInputs {
  return {
    mode: '',
    packages: '',
    policy: '',
    policyFile: '',
    published: '',
    nugetConfig: '',
    trustedRoots: '',
    certificateFingerprints: '',
    revocationMode: '',
    revocationDir: '',
    certificate: '',
    certificatePassword: '',
    privateKey: '',
    certificateChain: '',
    signCommand: '',
    signUrl: '',
    signKeyId: '',
    signToken: '',
    timestampUrls: '',
    hashAlgorithm: '',
    timestampHashAlgorithm: '',
    overwrite: '',
    failOn: '',
    allowNoPackages: '',
    sarifFile: '',
    summary: '',
    githubToken: '',
    checkRun: '',
    environment,
    ...given,
  };
}
