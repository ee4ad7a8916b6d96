import { parseCertificate, type CertificateView } from '../../../../src/signature/certificate.js';
import type { TimestampWindow } from '../../../../src/verify/checks/timestamp.js';
import { checkValidityPeriod } from '../../../../src/verify/checks/validity-period.js';
import { signingPki } from '../../../helpers/signed-package.js';

const NOW = new Date('2025-06-01T00:00:00Z');
let good: CertificateView; // valid 2020-01-01 to 2045-01-01
let expired: CertificateView; // valid 2020-01-01 to 2023-01-01
let tsa: CertificateView;

beforeAll(async () => {
  const pki = await signingPki();
  good = parseCertificate(pki.leaf.certificate);
  expired = parseCertificate((await pki.signingCertificate('expired')).leaf.certificate);
  tsa = parseCertificate(pki.tsa.certificate);
});

const window = (genTime: string, accuracyMs = 0): TimestampWindow => {
  const time = new Date(genTime);
  return {
    genTime: time,
    lower: new Date(time.getTime() - accuracyMs),
    upper: new Date(time.getTime() + accuracyMs),
    tsa,
  };
};

describe('#checkValidityPeriod', () => {
  it('without a timestamp, accepts a certificate valid now', () => {
    expect(checkValidityPeriod(good, undefined, NOW)).toBeUndefined();
  });

  it('without a timestamp, reports an expired certificate as not valid now', () => {
    const message = checkValidityPeriod(expired, undefined, NOW);
    expect(message).toMatch(
      /^The signature validity period has expired: certificate expired 2023-01-01 and the signature has no valid timestamp\. The signing certificate '/,
    );
    expect(message).toContain(`was not valid now (${NOW.toISOString()}).`);
  });

  it('with a timestamp inside the validity, accepts an expired certificate', () => {
    expect(checkValidityPeriod(expired, window('2022-06-01T00:00:00Z'), NOW)).toBeUndefined();
  });

  it('with a timestamp whose accuracy reaches past NotAfter, reports the timestamp time', () => {
    const message = checkValidityPeriod(expired, window('2022-12-31T23:59:59Z', 2000), NOW);
    expect(message).toContain('was not valid at its timestamp 2022-12-31T23:59:59.000Z.');
  });

  it('with a timestamp exactly at NotBefore, reports it (the limits are strict)', () => {
    expect(checkValidityPeriod(good, window('2020-01-01T00:00:00Z'), NOW)).toContain(
      'at its timestamp 2020-01-01T00:00:00.000Z',
    );
  });
});
