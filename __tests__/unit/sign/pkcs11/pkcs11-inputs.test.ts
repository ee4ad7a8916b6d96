import { pkcs11KeyInputs, type Pkcs11ActionInputs } from '../../../../src/action/pkcs11-inputs.js';

const INPUTS: Pkcs11ActionInputs = {
  module: ' /usr/lib/softhsm/libsofthsm2.so ',
  tokenLabel: 'release',
  slot: '',
  keyId: '01',
  keyLabel: '',
  pin: ' pin with spaces ',
  tool: '',
};

describe('the action PKCS#11 inputs', () => {
  it('become a PKCS#11 key source, the PIN kept as given and the chain added', () => {
    expect(pkcs11KeyInputs(INPUTS, [], 'PEM')).toEqual({
      pkcs11: {
        module: '/usr/lib/softhsm/libsofthsm2.so',
        tokenLabel: 'release',
        keyId: '01',
        pin: ' pin with spaces ',
      },
      certificateChainPem: 'PEM',
      source: "the 'pkcs11-module' input",
    });
  });

  it.each([
    [{}, ['certificate'], "Set either 'pkcs11-module' or 'certificate', not both."],
    [{ keyId: '' }, [], "needs exactly one of 'pkcs11-key-id'"],
    [{ keyLabel: 'k' }, [], "needs exactly one of 'pkcs11-key-id'"],
    [{ slot: '0x1' }, [], "Set either 'pkcs11-token-label' or 'pkcs11-slot', not both."],
    [{ pin: '' }, [], "needs 'pkcs11-pin': pass the token user PIN from a secret"],
  ] as const)('refuses %j (others %j) with NUPKG003', (change, others, message) => {
    expect(() => pkcs11KeyInputs({ ...INPUTS, ...change }, others, undefined)).toThrow(
      expect.objectContaining({
        code: 'NUPKG003',
        message: expect.stringContaining(message) as string,
      }) as Error,
    );
  });
});
