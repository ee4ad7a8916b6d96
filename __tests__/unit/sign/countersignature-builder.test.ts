import { constants, createHash, verify } from 'node:crypto';
import type * as asn1js from 'asn1js';
import { getPkijs } from '../../../src/crypto.js';
import {
  addRepositoryCountersignature,
  type RepositoryCountersignatureRequest,
} from '../../../src/sign/countersignature-builder.js';
import { buildPrimarySignature } from '../../../src/sign/signature-builder.js';
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

let author: SigningPki;
let repository: SigningPki;
let authorSignature: Awaited<ReturnType<typeof buildPrimarySignature>>;
beforeAll(async () => {
  author = await createSigningPki();
  repository = await createSigningPki({ subject: 'CN=Sign Test Repository' });
  authorSignature = await buildPrimarySignature({
    content: SAMPLE_CONTENT,
    signer: author.signer,
    hashAlgorithm: 'sha256',
    signingTime: SIGNING_TIME,
    kind: 'author',
  });
});

function countersign(
  primaryDer: Uint8Array,
  overrides: Partial<RepositoryCountersignatureRequest> = {},
) {
  return addRepositoryCountersignature(primaryDer, {
    signer: repository.signer,
    hashAlgorithm: 'sha384',
    signingTime: SIGNING_TIME,
    serviceIndexUrl: 'https://api.example.test/v3/index.json',
    packageOwners: ['alice'],
    ...overrides,
  });
}

/** The countersigner SignerInfo, decoded by pkijs from the primary's unsigned attributes. */
function countersignerOf(der: Uint8Array) {
  const primary = parseWithPkijs(der).signerInfos[0];
  const attributes = primary?.unsignedAttrs?.attributes ?? [];
  const countersignatures = attributes.filter((a) => a.type === OID.countersignature);
  expect(countersignatures).toHaveLength(1);
  expect(countersignatures[0]?.values).toHaveLength(1);
  const value = countersignatures[0]?.values[0] as asn1js.Sequence;
  return new SignerInfo({ schema: value });
}

describe('#addRepositoryCountersignature', () => {
  describe('when countersigning an author signature', () => {
    it('leaves the primary signer, content and certificates untouched', async () => {
      const subject = await countersign(authorSignature.der);
      const before = parseWithPkijs(authorSignature.der);
      const after = parseWithPkijs(subject.der);
      const primaryBefore = before.signerInfos[0];
      const primaryAfter = after.signerInfos[0];
      expect(
        hex(new Uint8Array(primaryAfter?.signedAttrs?.encodedValue ?? new ArrayBuffer(0))),
      ).toBe(hex(new Uint8Array(primaryBefore?.signedAttrs?.encodedValue ?? new ArrayBuffer(1))));
      expect(hex(primaryAfter?.signature.valueBlock.valueHexView as Uint8Array)).toBe(
        hex(authorSignature.signatureValue),
      );
      expect(after.encapContentInfo.eContent?.valueBlock.valueHexView).toEqual(
        before.encapContentInfo.eContent?.valueBlock.valueHexView,
      );
      const certificates = (after.certificates ?? []).map((c) =>
        hex(new Uint8Array(c.toSchema().toBER())),
      );
      expect(certificates).toEqual([
        hex(author.leaf.certificate),
        hex(author.root.certificate),
        hex(repository.leaf.certificate),
        hex(repository.root.certificate),
      ]);
    });

    it('signs the repository attributes, without content-type, over the primary signature value', async () => {
      const subject = await countersign(authorSignature.der);
      const countersigner = countersignerOf(subject.der);
      const types = (countersigner.signedAttrs?.attributes ?? []).map((a) => a.type).sort();
      expect(types).toEqual(
        [
          OID.messageDigest,
          OID.signingTime,
          OID.commitmentTypeIndication,
          OID.signingCertificateV2,
          OID.nugetV3ServiceIndexUrl,
          OID.nugetPackageOwners,
        ].sort(),
      );
      const messageDigest = countersigner.signedAttrs?.attributes.find(
        (a) => a.type === OID.messageDigest,
      )?.values[0] as asn1js.OctetString;
      expect(hex(messageDigest.valueBlock.valueHexView)).toBe(
        createHash('sha384').update(authorSignature.signatureValue).digest('hex'),
      );
      const commitment = countersigner.signedAttrs?.attributes.find(
        (a) => a.type === OID.commitmentTypeIndication,
      )?.values[0] as asn1js.Sequence;
      expect((commitment.valueBlock.value[0] as asn1js.ObjectIdentifier).getValue()).toBe(
        OID.proofOfReceipt,
      );
      expect(countersigner.digestAlgorithm.algorithmId).toBe(OID.sha384);
      expect(countersigner.signatureAlgorithm.algorithmId).toBe(OID.rsaEncryption);
      expect(countersigner.version).toBe(3);
    });

    it('carries a signature that verifies over the 0x31-tagged signed attributes', async () => {
      const subject = await countersign(authorSignature.der);
      const countersigner = countersignerOf(subject.der);
      const encoded = Buffer.from(countersigner.signedAttrs?.encodedValue as ArrayBuffer);
      const signed = Buffer.concat([Buffer.from([0x31]), encoded.subarray(1)]);
      const value = countersigner.signature.valueBlock.valueHexView;
      expect(hex(value)).toBe(hex(subject.signatureValue));
      const ok = verify(
        'sha384',
        signed,
        { key: repository.leaf.publicKeyObject, padding: constants.RSA_PKCS1_PADDING },
        value,
      );
      expect(ok).toBe(true);
    });

    it('does not repeat certificates already in the signature', async () => {
      const subject = await countersign(authorSignature.der, { signer: author.signer });
      expect(parseWithPkijs(subject.der).certificates).toHaveLength(2);
    });

    it('leaves out attributes when the test seam asks to', async () => {
      const subject = await countersign(authorSignature.der, { omitAttributes: [OID.signingTime] });
      const types = (countersignerOf(subject.der).signedAttrs?.attributes ?? []).map((a) => a.type);
      expect(types).not.toContain(OID.signingTime);
      expect(types).toContain(OID.nugetV3ServiceIndexUrl);
    });
  });

  describe('when the primary signature is a repository signature', () => {
    it('refuses with NU3033', async () => {
      const repositoryPrimary = await buildPrimarySignature({
        content: SAMPLE_CONTENT,
        signer: repository.signer,
        hashAlgorithm: 'sha256',
        signingTime: SIGNING_TIME,
        kind: 'repository',
        serviceIndexUrl: 'https://api.example.test/v3/index.json',
      });
      await expect(countersign(repositoryPrimary.der)).rejects.toMatchObject({ code: 'NU3033' });
    });
  });

  describe('when a repository countersignature exists already', () => {
    it('refuses with NU3032', async () => {
      const once = await countersign(authorSignature.der);
      await expect(countersign(once.der)).rejects.toMatchObject({ code: 'NU3032' });
    });
  });

  describe('when the input is not a CMS', () => {
    it('refuses with NU3003', async () => {
      await expect(countersign(Buffer.from('not der'))).rejects.toMatchObject({ code: 'NU3003' });
    });
  });

  describe('when openssl reads the countersigned signature', () => {
    const temp = useTempDir();

    it('still verifies the primary signature and shows the countersignature', async () => {
      const subject = await countersign(authorSignature.der);
      const path = temp.write('countersigned.p7s', subject.der);
      const verified = openssl([
        'cms',
        '-verify',
        '-noverify',
        '-inform',
        'DER',
        '-in',
        path,
        '-binary',
        '-out',
        temp.path('content.txt'),
      ]);
      expect(verified.stderr).toContain('Verification successful');
      const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path]);
      expect(printed.stdout).toContain('object: countersignature (1.2.840.113549.1.9.6)');
      expect(printed.stdout).toContain('id-smime-cti-ets-proofOfReceipt');
    });
  });
});
