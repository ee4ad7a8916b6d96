import { createHash } from 'node:crypto';
import { OID } from '../../src/asn1/oids.js';
import {
  parseTimestampToken,
  type TimestampTokenView,
} from '../../src/signature/timestamp-token.js';
import type { TestCertificate } from './pki.js';
import type { SigningPki } from './signed-package.js';
import { createTimestampAuthority, type TimestampAuthorityOptions } from './tsa.js';

/** The signature value a token timestamps in the timestamp check tests. */
export const SIGNATURE_VALUE = Buffer.from('the signature value being timestamped');
export const GEN_TIME = new Date('2024-03-01T12:00:00Z');

/**
 * A token from the test TSA (or `tsa`) over SHA-256 of SIGNATURE_VALUE at GEN_TIME, its chain
 * root embedded; `options` introduce one defect.
 */
export async function tokenFrom(
  pki: SigningPki,
  options: Partial<TimestampAuthorityOptions> = {},
  tsa: TestCertificate = pki.tsa,
): Promise<TimestampTokenView> {
  const authority = createTimestampAuthority({
    certificate: tsa.certificate,
    privateKey: tsa.keyObject,
    chain: [pki.tsaRoot.certificate],
    clock: () => GEN_TIME,
    ...options,
  });
  const der = await authority.issueToken({
    hashAlgorithmOid: OID.sha256,
    hashedMessage: createHash('sha256').update(SIGNATURE_VALUE).digest(),
  });
  return parseTimestampToken(der);
}
