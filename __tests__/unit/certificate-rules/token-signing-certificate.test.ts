import { parseCertificate } from '../../../src/signature/certificate.js';
import { tokenSigningCertificateProblem } from '../../../src/certificate-rules/token-signing-certificate.js';
import { signingPki, type SigningPki } from '../../helpers/signed-package.js';
import { tokenFrom } from '../../helpers/timestamp-token.js';

let pki: SigningPki;

beforeAll(async () => {
  pki = await signingPki();
});

const problemOf = async (options: Parameters<typeof tokenFrom>[1]) =>
  tokenSigningCertificateProblem(
    await tokenFrom(pki, options),
    parseCertificate(pki.tsa.certificate),
  );

describe('#tokenSigningCertificateProblem', () => {
  it.each(['v1', 'v2', 'both'] as const)(
    'accepts a token whose signing-certificate attribute (%s) names the TSA certificate',
    async (version) => {
      expect(await problemOf({ signingCertificateVersion: version })).toBeUndefined();
    },
  );

  it('rejects a token with neither attribute', async () => {
    expect(await problemOf({ signingCertificateVersion: 'none' })).toBe(
      'it has neither a signing-certificate nor a signing-certificate-v2 attribute',
    );
  });

  it('rejects a signing-certificate-v2 that hashes another certificate', async () => {
    expect(await problemOf({ wrongSigningCertificate: true })).toBe(
      'signing-certificate-v2 does not match the TSA certificate',
    );
  });

  it('rejects a token checked against another TSA certificate', async () => {
    const token = await tokenFrom(pki);
    expect(tokenSigningCertificateProblem(token, parseCertificate(pki.leaf.certificate))).toBe(
      'signing-certificate-v2 does not match the TSA certificate',
    );
  });
});
