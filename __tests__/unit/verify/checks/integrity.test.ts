import { openPackageArchive, signatureRecords } from '../../../../src/package/archive.js';
import { checkIntegrity } from '../../../../src/verify/checks/integrity.js';
import { codedFailureOf } from '../../../helpers/codes.js';
import { readPackageSignature } from '../../../helpers/package-signature.js';
import { makeSignedPackage } from '../../../helpers/signed-package.js';
import { useTempDir } from '../../../helpers/temp-files.js';

const temp = useTempDir();

/** Runs the check on a package the helpers signed, with the content its signature holds. */
async function integrityOf(path: string, content?: 'detached') {
  const signature = await readPackageSignature(path);
  const archive = await openPackageArchive(path);
  try {
    const [record] = signatureRecords(archive);
    if (!record) throw new Error('no signature entry');
    return await checkIntegrity(archive, record, content ? undefined : signature.content);
  } finally {
    await archive.file.close();
  }
}

describe('#checkIntegrity', () => {
  it('for a package unchanged since signing, finds nothing', async () => {
    const path = await makeSignedPackage({ directory: temp.path(''), id: 'Intact' });
    expect(await integrityOf(path)).toEqual([]);
  });

  it('for a package changed after signing, reports NU3008 as an error naming the hash', async () => {
    const path = await makeSignedPackage({
      directory: temp.path(''),
      id: 'Tampered',
      tamperContentAfterSigning: true,
    });
    const issues = await integrityOf(path);
    expect(issues.map((i) => [i.code, i.level])).toEqual([['NU3008', 'error']]);
    expect(issues[0]?.message).toContain(
      'the SHA256 hash of the package content does not match the signed hash.',
    );
    expect(issues[0]?.message).toContain('rebuild and re-sign it');
  });

  it('hashes with the algorithm the signature names (SHA-512)', async () => {
    const path = await makeSignedPackage({
      directory: temp.path(''),
      id: 'Sha512',
      hashAlgorithm: 'sha512',
    });
    expect(await integrityOf(path)).toEqual([]);
  });

  it('for a detached signature (no content), throws NU3000', async () => {
    const path = await makeSignedPackage({ directory: temp.path(''), id: 'Detached' });
    expect((await codedFailureOf(integrityOf(path, 'detached'))).code).toBe('NU3000');
  });
});
