import { NupkgSigningError } from '../../../../src/errors.js';
import { parseCertificate, type CertificateView } from '../../../../src/signature/certificate.js';
import type { PrimarySignature } from '../../../../src/signature/primary-signature.js';
import { readSignerAttributes } from '../../../../src/verify/checks/signature-attributes.js';
import { readPackageSignature } from '../../../helpers/package-signature.js';
import {
  makeSignedPackage,
  SERVICE_INDEX_URL,
  signingPki,
  type SignedPackageOptions,
} from '../../../helpers/signed-package.js';
import { useTempDir } from '../../../helpers/temp-files.js';

const temp = useTempDir();
let counter = 0;

async function signature(
  options: Omit<SignedPackageOptions, 'directory' | 'id'> = {},
): Promise<{ signature: PrimarySignature; certificate: CertificateView }> {
  const path = await makeSignedPackage({
    directory: temp.path(''),
    id: `Attributes.${++counter}`,
    ...options,
  });
  const read = await readPackageSignature(path);
  const certificate = read.signer.findSignerCertificate(read.certificates);
  if (!certificate) throw new Error('no signer certificate');
  return { signature: read, certificate };
}

/** The code and message `readSignerAttributes` throws for the primary signature. */
async function refusal(options: Omit<SignedPackageOptions, 'directory' | 'id'>) {
  const { signature: read, certificate } = await signature(options);
  try {
    readSignerAttributes(read.signer, certificate, 'NU3011');
  } catch (error) {
    if (error instanceof NupkgSigningError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('#readSignerAttributes', () => {
  it('for a good author signature, learns nothing and throws nothing', async () => {
    const { signature: read, certificate } = await signature();
    expect(readSignerAttributes(read.signer, certificate, 'NU3011')).toEqual({});
  });

  it('for a repository signature, reads the service index URL', async () => {
    const { signature: read, certificate } = await signature({ kind: 'repository' });
    expect(readSignerAttributes(read.signer, certificate, 'NU3011')).toEqual({
      serviceIndexUrl: SERVICE_INDEX_URL,
    });
  });

  it('without signing-time, throws NU3011', async () => {
    expect(await refusal({ omitSigningTime: true })).toEqual({
      code: 'NU3011',
      message: 'The primary signature is invalid: it has no signing-time attribute.',
    });
  });

  it('without signing-certificate-v2, throws NU3011', async () => {
    expect(await refusal({ omitSigningCertificateV2: true })).toEqual({
      code: 'NU3011',
      message: 'The primary signature is invalid: it has no signing-certificate-v2 attribute.',
    });
  });

  it('with a signing-certificate (v1) attribute, throws NU3011', async () => {
    const { code, message } = await refusal({ addSigningCertificateV1: true });
    expect(code).toBe('NU3011');
    expect(message).toContain('signing-certificate (v1) attribute, which NuGet does not allow');
  });

  it('checked against another certificate, throws NU3011: signing-certificate-v2 names another one', async () => {
    const { signature: read } = await signature();
    const other = parseCertificate((await signingPki()).repositoryLeaf.certificate);
    expect(() => readSignerAttributes(read.signer, other, 'NU3011')).toThrow(
      'The primary signature is invalid: the signing-certificate-v2 attribute names another certificate (issuer and serial differ).',
    );
  });

  it('without a certificate, skips the ESS rules', async () => {
    const { signature: read } = await signature({ omitSigningCertificateV2: true });
    expect(readSignerAttributes(read.signer, undefined, 'NU3011')).toEqual({});
  });

  it('for a repository countersignature without signing-time, throws NU3031', async () => {
    const { signature: read } = await signature({
      repositoryCountersignature: { omitSigningTime: true },
    });
    const counter = read.repositoryCountersignatures[0];
    if (!counter) throw new Error('no countersignature');
    expect(() => readSignerAttributes(counter.signer, undefined, 'NU3031')).toThrow(
      'The repository countersignature is invalid: it has no signing-time attribute.',
    );
  });
});
