import { parseCertificate } from '../../../src/signature/certificate.js';
import { checkSignerSignature } from '../../../src/certificate-rules/signer-signature.js';
import { signingPki, type SigningPki } from '../../helpers/signed-package.js';
import { tokenFrom } from '../../helpers/timestamp-token.js';

let pki: SigningPki;

beforeAll(async () => {
  pki = await signingPki();
});

// A timestamp token is the smallest SignerInfo the helpers build: its signed content is the TSTInfo.
describe('#checkSignerSignature', () => {
  it('accepts a SignerInfo whose digest and signature match the content and the certificate', async () => {
    const token = await tokenFrom(pki);
    const tsa = parseCertificate(pki.tsa.certificate);
    expect(checkSignerSignature(token.signer, tsa, token.tstInfoDer)).toBeUndefined();
  });

  it('rejects other signed content: the message digest does not match', async () => {
    const token = await tokenFrom(pki);
    const tsa = parseCertificate(pki.tsa.certificate);
    expect(checkSignerSignature(token.signer, tsa, Buffer.from('other content'))).toBe(
      'the message digest does not match the signed content',
    );
  });

  it('rejects a corrupt signature value', async () => {
    const token = await tokenFrom(pki, { corruptSignature: true });
    const tsa = parseCertificate(pki.tsa.certificate);
    expect(checkSignerSignature(token.signer, tsa, token.tstInfoDer)).toBe(
      'the signature does not verify with the signing certificate public key',
    );
  });

  it('rejects a signature checked with another public key', async () => {
    const token = await tokenFrom(pki);
    const other = parseCertificate(pki.repositoryLeaf.certificate);
    expect(checkSignerSignature(token.signer, other, token.tstInfoDer)).toBe(
      'the signature does not verify with the signing certificate public key',
    );
  });

  it('rejects content signed after tampering with genTime', async () => {
    const token = await tokenFrom(pki, { tamperGenTimeMs: 1000 });
    const tsa = parseCertificate(pki.tsa.certificate);
    expect(checkSignerSignature(token.signer, tsa, token.tstInfoDer)).toBe(
      'the message digest does not match the signed content',
    );
  });
});
