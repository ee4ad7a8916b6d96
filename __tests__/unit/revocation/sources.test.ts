import { createRevocationChecker } from '../../../src/revocation/index.js';
import { parseCertificate } from '../../../src/signature/certificate.js';
import { generateCrl } from '../../helpers/crl-server.js';
import { answer, serversClosedAfterEach, streamBody } from '../../helpers/hostile-http-server.js';
import { revocationExtensions } from '../../helpers/ocsp-responder.js';
import { createRootCa, type TestCa } from '../../helpers/pki.js';

/**
 * How the checker weighs what its sources say: a response about other certificates is a reason
 * online (the URL was the certificate's own) but not among the many of a directory, and a spent
 * budget is one reason, given once, with no request sent.
 */
const serve = serversClosedAfterEach();
let ca: TestCa;
let otherCa: TestCa;

beforeAll(async () => {
  ca = await createRootCa({ subject: 'CN=Sources Test CA' });
  otherCa = await createRootCa({ subject: 'CN=Sources Other CA' });
});

async function chainVia(urls: { ocspUrl?: string; crlUrl?: string }) {
  const leaf = await ca.issueLeaf({
    subject: 'CN=Leaf',
    extraExtensions: revocationExtensions(urls),
  });
  return [parseCertificate(leaf.certificate), parseCertificate(ca.certificate)];
}

describe('revocation sources', () => {
  it('gives a CRL of another issuer at the certificate’s own URL as the reason for unknown', async () => {
    const foreignCrl = generateCrl({ ca: otherCa, entries: [] });
    const server = await serve(answer(Buffer.from(foreignCrl), 'application/pkix-crl'));
    const checker = createRevocationChecker({ mode: 'online', now: new Date(), timeoutMs: 2_000 });
    const result = await checker.check(await chainVia({ crlUrl: server.url }), {
      purpose: 'signing',
    });
    expect(result.certificates[0]!.revocation).toEqual({
      status: 'unknown',
      why: `the CRL is not signed by the issuer '${parseCertificate(ca.certificate).subject}'`,
    });
  });

  it('gives a spent run budget once as the reason, sending no OCSP request and no CRL download', async () => {
    const ocsp = await serve(streamBody({ total: 10 }));
    const crl = await serve(streamBody({ total: 10 }));
    const checker = createRevocationChecker({
      mode: 'online',
      now: new Date(),
      timeoutMs: 2_000,
      // Nothing is left by the time the first request could be sent.
      totalTimeoutMs: 0,
    });
    const chain = await chainVia({ ocspUrl: ocsp.url, crlUrl: crl.url });
    const result = await checker.check(chain, { purpose: 'signing' });
    expect(result.certificates[0]!.revocation).toEqual({
      status: 'unknown',
      why: 'the revocation time budget for this run is spent',
    });
    expect(ocsp.requests).toHaveLength(0);
    expect(crl.requests).toHaveLength(0);
  });
});
