import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import { getPkijs } from '../../../src/crypto.js';
import { addRepositoryCountersignature } from '../../../src/sign/countersignature-builder.js';
import { buildPrimarySignature } from '../../../src/sign/signature-builder.js';
import {
  addTimestampToken,
  addUnsignedAttribute,
  signatureValueOf,
  timestampImprintOf,
} from '../../../src/sign/timestamp-attribute.js';
import { OID } from '../../../src/asn1/oids.js';
import { useTempDir } from '../../helpers/temp-files.js';
import {
  SAMPLE_CONTENT,
  SIGNING_TIME,
  createSigningPki,
  hex,
  openssl,
  parseWithPkijs,
  type SigningPki,
} from './sign-fixtures.js';

const { SignerInfo } = getPkijs();

/**
 * A stand-in TimeStampToken: a ContentInfo-shaped element. Attaching does not interpret the token,
 * so the tests only need bytes that are one DER element and are recognisable afterwards.
 */
const TOKEN = Buffer.from(
  new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID.signedData }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [new asn1js.OctetString({ valueHex: Buffer.from('token-bytes') })],
      }),
    ],
  }).toBER(),
);

let pki: SigningPki;
let primary: Awaited<ReturnType<typeof buildPrimarySignature>>;
beforeAll(async () => {
  pki = await createSigningPki();
  primary = await buildPrimarySignature({
    content: SAMPLE_CONTENT,
    signer: pki.signer,
    hashAlgorithm: 'sha256',
    signingTime: SIGNING_TIME,
    kind: 'author',
  });
});

function unsignedValues(signerInfo: InstanceType<typeof SignerInfo> | undefined, oid: string) {
  return (signerInfo?.unsignedAttrs?.attributes ?? [])
    .filter((attribute) => attribute.type === oid)
    .map((attribute) => attribute.values.map((value) => hex(new Uint8Array(value.toBER()))));
}

describe('#signatureValueOf and #timestampImprintOf', () => {
  describe('when given a primary signature', () => {
    it('returns the signature value and its hash with the timestamp algorithm', () => {
      expect(hex(signatureValueOf(primary.der))).toBe(hex(primary.signatureValue));
      expect(hex(timestampImprintOf(primary.der, 'primary', 'sha512'))).toBe(
        createHash('sha512').update(primary.signatureValue).digest('hex'),
      );
    });
  });

  describe('when asked for a repository countersignature that does not exist', () => {
    it('refuses with a usage error', () => {
      expect(() => signatureValueOf(primary.der, 'repository-countersignature')).toThrow(
        expect.objectContaining({ code: 'NUPKG003' }),
      );
    });
  });
});

describe('#addTimestampToken', () => {
  describe('when timestamping the primary signature', () => {
    it('adds one signature-time-stamp-token attribute with the token unchanged', () => {
      const subject = addTimestampToken(primary.der, 'primary', TOKEN);
      const signerInfo = parseWithPkijs(subject).signerInfos[0];
      expect(unsignedValues(signerInfo, OID.signatureTimeStampToken)).toEqual([[hex(TOKEN)]]);
      expect(hex(signatureValueOf(subject))).toBe(hex(primary.signatureValue));
    });

    const temp = useTempDir();
    it('keeps the CMS signature valid for openssl', () => {
      const subject = addTimestampToken(primary.der, 'primary', TOKEN);
      const path = temp.write('timestamped.p7s', subject);
      const out = temp.path('content.txt');
      const args = ['cms', '-verify', '-noverify', '-inform', 'DER', '-in', path, '-binary'];
      const result = openssl([...args, '-out', out]);
      expect(result.stderr).toContain('Verification successful');
    });
  });

  describe('when timestamping the repository countersignature', () => {
    it('adds the token to the countersigner and not to the primary', async () => {
      const countersigned = await addRepositoryCountersignature(primary.der, {
        signer: pki.signer,
        hashAlgorithm: 'sha256',
        signingTime: SIGNING_TIME,
        serviceIndexUrl: 'https://api.example.test/v3/index.json',
      });
      expect(hex(signatureValueOf(countersigned.der, 'repository-countersignature'))).toBe(
        hex(countersigned.signatureValue),
      );
      const subject = addTimestampToken(countersigned.der, 'repository-countersignature', TOKEN);
      const primarySignerInfo = parseWithPkijs(subject).signerInfos[0];
      expect(unsignedValues(primarySignerInfo, OID.signatureTimeStampToken)).toEqual([]);
      const countersignature = primarySignerInfo?.unsignedAttrs?.attributes.find(
        (attribute) => attribute.type === OID.countersignature,
      );
      const countersigner = new SignerInfo({
        schema: countersignature?.values[0] as asn1js.Sequence,
      });
      expect(unsignedValues(countersigner, OID.signatureTimeStampToken)).toEqual([[hex(TOKEN)]]);
      expect(hex(countersigner.signature.valueBlock.valueHexView)).toBe(
        hex(countersigned.signatureValue),
      );
    });
  });
});

describe('#addUnsignedAttribute', () => {
  describe('when attributes are added one after another', () => {
    it('keeps them in the order they were added', () => {
      const first = addUnsignedAttribute(
        primary.der,
        'primary',
        '1.2.3.4',
        Buffer.from('0500', 'hex'),
      );
      const subject = addUnsignedAttribute(
        first,
        'primary',
        '1.2.3.5',
        Buffer.from('0101ff', 'hex'),
      );
      const types = parseWithPkijs(subject).signerInfos[0]?.unsignedAttrs?.attributes.map(
        (attribute) => attribute.type,
      );
      expect(types).toEqual(['1.2.3.4', '1.2.3.5']);
    });
  });

  describe('when the value is not exactly one DER element', () => {
    it('refuses with NU3003', () => {
      expect(() =>
        addUnsignedAttribute(primary.der, 'primary', '1.2.3.4', Buffer.from('05000500', 'hex')),
      ).toThrow(expect.objectContaining({ code: 'NU3003' }));
    });
  });
});
