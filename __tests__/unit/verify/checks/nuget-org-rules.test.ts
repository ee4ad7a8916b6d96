import { parseCertificate, type CertificateView } from '../../../../src/signature/certificate.js';
import { checkNugetOrgRules } from '../../../../src/verify/checks/nuget-org-rules.js';
import type { TimestampWindow } from '../../../../src/verify/checks/timestamp.js';
import { signingPki, type SigningCertificateDefect } from '../../../helpers/signed-package.js';

const NOW = new Date('2025-06-01T00:00:00Z');

async function leaf(defect?: SigningCertificateDefect): Promise<CertificateView> {
  return parseCertificate((await (await signingPki()).signingCertificate(defect)).leaf.certificate);
}

async function timestamp(tsa?: 'expired' | 'self-issued'): Promise<TimestampWindow> {
  const certificate = await (await signingPki()).timestampCertificate(tsa);
  const genTime = new Date('2022-06-01T00:00:00Z');
  return {
    genTime,
    lower: genTime,
    upper: genTime,
    tsa: parseCertificate(certificate.certificate),
  };
}

const levels = (issues: ReturnType<typeof checkNugetOrgRules>) =>
  issues.map((i) => [i.code, i.level]);

describe('#checkNugetOrgRules', () => {
  it('finds nothing for a good signer and TSA', async () => {
    expect(checkNugetOrgRules(await leaf(), await timestamp(), 'submission', NOW)).toEqual([]);
  });

  it('on submission, rejects an expired signer with NU3037 although the timestamp keeps it valid for restore', async () => {
    const issues = checkNugetOrgRules(await leaf('expired'), await timestamp(), 'submission', NOW);
    expect(levels(issues)).toEqual([['NU3037', 'error']]);
    expect(issues[0]?.message).toMatch(
      /^nuget\.org checks certificates when the package is pushed: /,
    );
    expect(issues[0]?.message).toContain('Renew the certificate');
    expect(issues[0]?.message).toContain('because it is timestamped 2022-06-01');
  });

  it('on submission without a timestamp, rejects an expired signer without the restore note', async () => {
    const issues = checkNugetOrgRules(await leaf('expired'), undefined, 'submission', NOW);
    expect(levels(issues)).toEqual([['NU3037', 'error']]);
    expect(issues[0]?.message).not.toContain('stays valid for restore');
  });

  it('for a published version, does not report an expired signer', async () => {
    expect(checkNugetOrgRules(await leaf('expired'), await timestamp(), 'published', NOW)).toEqual(
      [],
    );
  });

  it('rejects a self-issued signer on submission (error) and warns for a published version', async () => {
    const submitted = checkNugetOrgRules(await leaf('self-issued'), undefined, 'submission', NOW);
    expect(levels(submitted)).toEqual([['NU3018', 'error']]);
    expect(submitted[0]?.message).toContain(
      'nuget.org rejects it whatever roots this machine trusts',
    );
    const published = checkNugetOrgRules(await leaf('self-issued'), undefined, 'published', NOW);
    expect(levels(published)).toEqual([['NU3018', 'warning']]);
    expect(published[0]?.message).toContain('its revalidation reports it');
  });

  it("leaves the client's own requirements (key size) to the signature's evaluation", async () => {
    expect(checkNugetOrgRules(await leaf('rsa-1024'), undefined, 'submission', NOW)).toEqual([]);
  });

  it('rejects an expired TSA certificate on submission with NU3028', async () => {
    const issues = checkNugetOrgRules(await leaf(), await timestamp('expired'), 'submission', NOW);
    expect(levels(issues)).toEqual([['NU3028', 'error']]);
    expect(issues[0]?.message).toContain('timestamp server whose certificate is current');
  });

  it('reports a self-issued TSA as a timestamping certificate', async () => {
    const issues = checkNugetOrgRules(
      await leaf(),
      await timestamp('self-issued'),
      'submission',
      NOW,
    );
    expect(levels(issues)).toEqual([['NU3028', 'error']]);
    expect(issues[0]?.message).toContain(
      'timestamping certificate from a public certificate authority',
    );
  });
});
