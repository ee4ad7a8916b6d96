import { getPreset, withOverrides } from '../../../../src/policy/presets.js';
import { parseCertificate, type CertificateView } from '../../../../src/signature/certificate.js';
import { checkAllowedFingerprints } from '../../../../src/verify/checks/allow-list.js';
import { signingPki } from '../../../helpers/signed-package.js';

let signer: CertificateView;

beforeAll(async () => {
  signer = parseCertificate((await signingPki()).leaf.certificate);
});

const policy = (allowedFingerprints: string[], allowUntrusted = false) =>
  withOverrides(getPreset('verify'), { allowedFingerprints, allowUntrusted });

describe('#checkAllowedFingerprints', () => {
  it('with no fingerprints given, accepts any signer', () => {
    expect(checkAllowedFingerprints(signer, policy([]))).toEqual([]);
  });

  it('with the signer listed in lowercase with colons, accepts it', () => {
    const spelled = signer.fingerprintSha256.toLowerCase().replace(/(..)(?!$)/g, '$1:');
    expect(checkAllowedFingerprints(signer, policy(['00'.repeat(32), spelled]))).toEqual([]);
  });

  it('with the signer not listed, reports NU3034 as an error naming subject and fingerprint', () => {
    const [subject, ...others] = checkAllowedFingerprints(signer, policy(['AB'.repeat(32)]));
    expect(others).toEqual([]);
    expect(subject).toMatchObject({ code: 'NU3034', level: 'error' });
    expect(subject?.message).toContain(signer.subject);
    expect(subject?.message).toContain(`SHA-256 ${signer.fingerprintSha256}`);
  });

  it('with the signer not listed and untrusted signers allowed, reports NU3034 as a warning', () => {
    const issues = checkAllowedFingerprints(signer, policy(['AB'.repeat(32)], true));
    expect(issues.map((i) => [i.code, i.level])).toEqual([['NU3034', 'warning']]);
  });
});
