import { NupkgSigningError } from '../errors.js';
import type { KeyInputs } from '../run/key-inputs.js';
import { refuseOtherKeySources } from './key-source.js';

/** The PKCS#11 inputs (docs/pkcs11.md), as GitHub passes them ('' when not set). */
export interface Pkcs11ActionInputs {
  readonly module: string;
  readonly tokenLabel: string;
  readonly slot: string;
  readonly keyId: string;
  readonly keyLabel: string;
  /** Masked by read-inputs.ts before anything else runs. */
  readonly pin: string;
  readonly tool: string;
}

/** Reads the PKCS#11 inputs once; the only place besides read-inputs.ts that knows their names. */
export function readPkcs11Inputs(get: (name: string) => string): Pkcs11ActionInputs {
  return {
    module: get('pkcs11-module'),
    tokenLabel: get('pkcs11-token-label'),
    slot: get('pkcs11-slot'),
    keyId: get('pkcs11-key-id'),
    keyLabel: get('pkcs11-key-label'),
    pin: get('pkcs11-pin'),
    tool: get('pkcs11-tool'),
  };
}

/**
 * The key inputs for a key in a PKCS#11 token; `otherKeys` names the local-key inputs that were
 * also given (they exclude each other). `certificateChainPem` adds certificates the token lacks.
 */
export function pkcs11KeyInputs(
  inputs: Pkcs11ActionInputs,
  otherKeys: readonly string[],
  certificateChainPem: string | undefined,
): KeyInputs {
  const fail = (message: string) => new NupkgSigningError('NUPKG003', message);
  refuseOtherKeySources('pkcs11-module', otherKeys);
  const keyId = inputs.keyId.trim();
  const keyLabel = inputs.keyLabel.trim();
  if ((keyId === '') === (keyLabel === '')) {
    throw fail(
      "Input 'pkcs11-module' needs exactly one of 'pkcs11-key-id' (the key's hex id, e.g. 01) and 'pkcs11-key-label'.",
    );
  }
  const tokenLabel = inputs.tokenLabel.trim();
  const slot = inputs.slot.trim();
  if (tokenLabel !== '' && slot !== '') {
    throw fail("Set either 'pkcs11-token-label' or 'pkcs11-slot', not both.");
  }
  if (inputs.pin === '') {
    throw fail(
      "Input 'pkcs11-module' needs 'pkcs11-pin': pass the token user PIN from a secret (pkcs11-pin: ${{ secrets.PKCS11_PIN }}).",
    );
  }
  const optional = (name: string, value: string) => (value === '' ? {} : { [name]: value });
  return {
    pkcs11: {
      module: inputs.module.trim(),
      pin: inputs.pin,
      ...optional('tokenLabel', tokenLabel),
      ...optional('slot', slot),
      ...optional('keyId', keyId),
      ...optional('keyLabel', keyLabel),
      ...optional('tool', inputs.tool.trim()),
    },
    ...(certificateChainPem === undefined ? {} : { certificateChainPem }),
    source: "the 'pkcs11-module' input",
  };
}
