import { createHash } from 'node:crypto';
import { OID } from '../../../src/asn1/oids.js';
import { parseTimestampToken } from '../../../src/signature/timestamp-token.js';
import { readTimeStampResp } from '../../../src/timestamp/response.js';
import { buildTimeStampRequest } from '../../../src/timestamp/request.js';
import { createRootCa } from '../../helpers/pki.js';
import { createTimestampAuthority, type TimestampAuthority } from '../../helpers/tsa.js';

const GEN_TIME = new Date('2024-02-29T10:20:30.456Z');
const HASH = createHash('sha256').update('signature').digest();

let subject: TimestampAuthority;
beforeAll(async () => {
  const root = await createRootCa();
  const tsa = await root.issueTsa();
  subject = createTimestampAuthority({
    certificate: tsa.certificate,
    privateKey: tsa.privateKey,
    chain: [root.certificate],
    clock: () => GEN_TIME,
  });
});

describe('#createTimestampAuthority', () => {
  it('issues a token carrying the clock, accuracy, policy, imprint and nonce', async () => {
    const token = parseTimestampToken(
      await subject
        .with({ accuracy: { seconds: 1, millis: 500 }, policy: OID.etsiBaselineTimestampPolicy })
        .issueToken({ hashAlgorithmOid: OID.sha256, hashedMessage: HASH }, Uint8Array.of(0x05)),
    );
    expect(token.tstInfo.genTime.toISOString()).toBe(GEN_TIME.toISOString());
    expect(token.tstInfo.accuracy).toEqual({ seconds: 1, millis: 500, micros: 0 });
    expect(token.tstInfo.policy).toBe(OID.etsiBaselineTimestampPolicy);
    expect(Buffer.from(token.tstInfo.messageImprint.hashedMessage)).toEqual(HASH);
    expect(Array.from(token.tstInfo.nonce ?? [])).toEqual([0x05]);
    expect(token.certificates).toHaveLength(2);
  });

  it('answers a request with certReq by including the certificates', async () => {
    const request = buildTimeStampRequest('sha256', HASH);
    const tokenDer = readTimeStampResp(await subject.respond(request.der), 'test', '');
    const token = parseTimestampToken(tokenDer);
    expect(Buffer.from(token.tstInfo.nonce ?? [])).toEqual(Buffer.from(request.nonce));
    expect(token.certificates).toHaveLength(2);
  });

  it('answers with the configured failure status and no token', async () => {
    const response = await subject
      .with({ status: 2, statusString: 'no', failInfo: 25 })
      .respond(buildTimeStampRequest('sha256', HASH).der);
    expect(() => readTimeStampResp(response, 'test', '')).toThrow(
      /status 2 \(rejection\), "no", failure systemFailure/,
    );
  });

  it('answers an undecodable request with badDataFormat', async () => {
    const response = await subject.respond(Uint8Array.of(1, 2, 3));
    expect(() => readTimeStampResp(response, 'test', '')).toThrow(/badDataFormat/);
  });
});
