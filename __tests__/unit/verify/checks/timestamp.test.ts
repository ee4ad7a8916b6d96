import { TrustStore } from '../../../../src/trust/trust-store.js';
import { checkTimestamp } from '../../../../src/verify/checks/timestamp.js';
import { codeOf } from '../../../helpers/codes.js';
import { signingPki, type SigningPki } from '../../../helpers/signed-package.js';
import { GEN_TIME, SIGNATURE_VALUE, tokenFrom } from '../../../helpers/timestamp-token.js';

const NOW = new Date('2025-06-01T00:00:00Z');
let pki: SigningPki;

beforeAll(async () => {
  pki = await signingPki();
});

const options = () => ({ now: NOW, roots: pki.trust.timestamping });
const codes = (check: ReturnType<typeof checkTimestamp>) => check.findings.map((f) => f.code);

describe('#checkTimestamp', () => {
  it('accepts a good token and returns its window widened by the accuracy', async () => {
    const token = await tokenFrom(pki, { accuracy: { seconds: 1, millis: 500 } });
    const check = checkTimestamp(token, SIGNATURE_VALUE, options());
    expect(check.findings).toEqual([]);
    expect(check.valid).toBe(true);
    expect(check.window?.genTime).toEqual(GEN_TIME);
    expect(check.window?.lower).toEqual(new Date(GEN_TIME.getTime() - 1500));
    expect(check.window?.upper).toEqual(new Date(GEN_TIME.getTime() + 1500));
    expect(check.window?.tsa.fingerprintSha256).toBe(pki.tsa.fingerprintSha256);
  });

  it('without the TSA certificate in the token, reports NU3020 and no window', async () => {
    const check = checkTimestamp(
      await tokenFrom(pki, { includeCertificates: false }),
      SIGNATURE_VALUE,
      options(),
    );
    expect(codes(check)).toEqual(['NU3020']);
    expect(check.valid).toBe(false);
    expect(check.window).toBeUndefined();
  });

  it('over another signature value, reports NU3019 (integrity)', async () => {
    const check = checkTimestamp(await tokenFrom(pki), Buffer.from('other bytes'), options());
    expect(codes(check)).toEqual(['NU3019']);
    expect(check.valid).toBe(false);
    expect(check.window).toBeDefined();
  });

  it('with an imprint algorithm NuGet does not know, reports NU3030', async () => {
    const token = await tokenFrom(pki, { imprintAlgorithmOid: '1.2.3.4' });
    expect(codes(checkTimestamp(token, SIGNATURE_VALUE, options()))).toEqual(['NU3030']);
  });

  it('with a SHA-1 token digest, reports NU3024', async () => {
    const token = await tokenFrom(pki, { hashAlgorithm: 'sha1' });
    expect(codes(checkTimestamp(token, SIGNATURE_VALUE, options()))).toContain('NU3024');
  });

  it('with a corrupt token signature, throws NU3021 (NuGet ends verification)', async () => {
    const token = await tokenFrom(pki, { corruptSignature: true });
    expect(codeOf(() => checkTimestamp(token, SIGNATURE_VALUE, options()))).toBe('NU3021');
  });

  it('without a signing-certificate attribute, throws NU3021', async () => {
    const token = await tokenFrom(pki, { signingCertificateVersion: 'none' });
    expect(codeOf(() => checkTimestamp(token, SIGNATURE_VALUE, options()))).toBe('NU3021');
  });

  it('with a 1024-bit TSA key, reports NU3023 and does not build the TSA chain', async () => {
    const tsa = await pki.timestampCertificate('rsa-1024');
    const check = checkTimestamp(await tokenFrom(pki, {}, tsa), SIGNATURE_VALUE, {
      now: NOW,
      roots: TrustStore.empty(),
    });
    expect(codes(check)).toEqual(['NU3023']);
  });

  it('with genTime after the TSA certificate expired, reports NU3036', async () => {
    const tsa = await pki.timestampCertificate('expired');
    const check = checkTimestamp(await tokenFrom(pki, {}, tsa), SIGNATURE_VALUE, options());
    expect(codes(check)).toEqual(['NU3036']);
    expect(check.findings[0]?.message).toContain(`timestamp time ${GEN_TIME.toISOString()}`);
  });

  it('with an untrusted TSA root, reports NU3028 as always an error, and NU3042', async () => {
    const check = checkTimestamp(await tokenFrom(pki), SIGNATURE_VALUE, {
      now: NOW,
      roots: TrustStore.empty(),
    });
    expect(check.findings.map((f) => [f.code, f.alwaysError])).toEqual([
      ['NU3028', true],
      ['NU3042', false],
    ]);
    expect(check.valid).toBe(false);
  });

  it('passes nuget.org advice on to the chain finding', async () => {
    const check = checkTimestamp(await tokenFrom(pki), SIGNATURE_VALUE, {
      now: NOW,
      roots: TrustStore.empty(),
      nugetOrg: true,
    });
    expect(check.findings[0]?.message).toContain('nuget.org accepts only certificates');
  });
});
