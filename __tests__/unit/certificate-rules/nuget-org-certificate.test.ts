import { parseCertificate, type CertificateView } from '../../../src/signature/certificate.js';
import {
  checkNugetOrgCertificate,
  isSelfIssuedCertificate,
  NUGET_ORG_RULES,
} from '../../../src/certificate-rules/nuget-org-certificate.js';
import {
  signingPki,
  type SigningCertificateDefect,
  type TimestampAuthorityDefect,
} from '../../helpers/signed-package.js';

const NOW = new Date('2025-06-01T00:00:00Z');

async function leaf(defect?: SigningCertificateDefect): Promise<CertificateView> {
  return parseCertificate((await (await signingPki()).signingCertificate(defect)).leaf.certificate);
}

async function tsa(defect?: TimestampAuthorityDefect): Promise<CertificateView> {
  return parseCertificate((await (await signingPki()).timestampCertificate(defect)).certificate);
}

const rules = (findings: ReturnType<typeof checkNugetOrgCertificate>) =>
  findings.map((f) => [f.rule, f.code]);

describe('#checkNugetOrgCertificate', () => {
  it('finds nothing wrong with a good signing certificate valid now', async () => {
    expect(checkNugetOrgCertificate(await leaf(), 'signing', NOW)).toEqual([]);
  });

  it('reports an expired signing certificate under the validity rule (NU3037), quoting the seed', async () => {
    const findings = checkNugetOrgCertificate(await leaf('expired'), 'signing', NOW);
    expect(rules(findings)).toEqual([['validity', 'NU3037']]);
    expect(findings[0]?.message).toContain('expired on 2023-01-01');
    expect(findings[0]?.message).toContain(`(nuget.org: "${NUGET_ORG_RULES.validity}")`);
  });

  it('without a validation time, does not judge validity', async () => {
    expect(checkNugetOrgCertificate(await leaf('expired'), 'signing')).toEqual([]);
  });

  it('reports a self-issued signing certificate (NU3018)', async () => {
    expect(rules(checkNugetOrgCertificate(await leaf('self-issued'), 'signing', NOW))).toEqual([
      ['selfIssued', 'NU3018'],
    ]);
  });

  it('reports a certificate without the code signing EKU under the purpose rule (NU3018)', async () => {
    expect(
      rules(checkNugetOrgCertificate(await leaf('no-code-signing-eku'), 'signing', NOW)),
    ).toEqual([['codeSigningPurpose', 'NU3018']]);
  });

  it("maps NuGet's own requirements to the key, algorithm and lifetime rules", async () => {
    expect(rules(checkNugetOrgCertificate(await leaf('rsa-1024'), 'signing', NOW))).toEqual([
      ['key', 'NU3014'],
    ]);
    expect(rules(checkNugetOrgCertificate(await leaf('sha1-signed'), 'signing', NOW))).toEqual([
      ['algorithm', 'NU3013'],
    ]);
    expect(rules(checkNugetOrgCertificate(await leaf('lifetime-eku'), 'signing', NOW))).toEqual([
      ['lifetimeSigning', 'NU3015'],
    ]);
  });

  it('reports a not-yet-valid certificate under the validity rule (NU3017)', async () => {
    expect(rules(checkNugetOrgCertificate(await leaf('not-yet-valid'), 'signing', NOW))).toEqual([
      ['validity', 'NU3017'],
    ]);
  });

  it('for a TSA, uses the timestamping codes: purpose and expiry are NU3028, the key NU3023', async () => {
    expect(rules(checkNugetOrgCertificate(await tsa(), 'timestamping', NOW))).toEqual([]);
    expect(
      rules(checkNugetOrgCertificate(await tsa('no-timestamping-eku'), 'timestamping', NOW)),
    ).toEqual([['timestampingPurpose', 'NU3028']]);
    expect(rules(checkNugetOrgCertificate(await tsa('expired'), 'timestamping', NOW))).toEqual([
      ['validity', 'NU3028'],
    ]);
    expect(rules(checkNugetOrgCertificate(await tsa('rsa-1024'), 'timestamping', NOW))).toEqual([
      ['key', 'NU3023'],
    ]);
  });
});

describe('#isSelfIssuedCertificate', () => {
  it('is true for a self-signed certificate and a root, false for an issued leaf', async () => {
    const pki = await signingPki();
    expect(isSelfIssuedCertificate(await leaf('self-issued'))).toBe(true);
    expect(isSelfIssuedCertificate(parseCertificate(pki.root.certificate))).toBe(true);
    expect(isSelfIssuedCertificate(await leaf())).toBe(false);
  });
});
