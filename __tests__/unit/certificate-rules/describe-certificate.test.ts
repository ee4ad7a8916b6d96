import { parseCertificate } from '../../../src/signature/certificate.js';
import { describeCertificate } from '../../../src/certificate-rules/describe-certificate.js';
import { createRootCa } from '../../helpers/pki.js';

describe('#describeCertificate', () => {
  it('names subject, SHA-256 fingerprint and validity in whole seconds, as NuGet prints them', async () => {
    const ca = await createRootCa({
      subject: 'CN=Describe Me',
      notBefore: new Date('2021-02-03T04:05:06Z'),
      notAfter: new Date('2031-02-03T04:05:06Z'),
    });
    expect(describeCertificate(parseCertificate(ca.certificate))).toBe(
      `'CN=Describe Me' (SHA-256 ${ca.fingerprintSha256}, valid 2021-02-03T04:05:06Z to 2031-02-03T04:05:06Z)`,
    );
  });
});
