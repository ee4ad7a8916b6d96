import { readFileSync } from 'node:fs';
import { constants, createHash, verify } from 'node:crypto';
import type * as asn1js from 'asn1js';
import { getPkijs } from '../../../src/crypto.js';
import { NupkgSigningError } from '../../../src/errors.js';
import { buildPrimarySignature } from '../../../src/sign/signature-builder.js';
import {
  commitmentTypeIndicationAttribute,
  signingCertificateV1Attribute,
} from '../../../src/sign/signed-attributes.js';
import { readSignerCertificate } from '../../../src/sign/signer-certificate.js';
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

const { IssuerAndSerialNumber } = getPkijs();

let pki: SigningPki;
beforeAll(async () => {
  pki = await createSigningPki();
});

function build(overrides: Partial<Parameters<typeof buildPrimarySignature>[0]> = {}) {
  return buildPrimarySignature({
    content: SAMPLE_CONTENT,
    signer: pki.signer,
    hashAlgorithm: 'sha256',
    signingTime: SIGNING_TIME,
    kind: 'author',
    ...overrides,
  });
}

function signedAttributeTypes(der: Uint8Array): string[] {
  const signerInfo = parseWithPkijs(der).signerInfos[0];
  return (signerInfo?.signedAttrs?.attributes ?? []).map((attribute) => attribute.type);
}

describe('#buildPrimarySignature', () => {
  describe('when building an author signature with a certificate that has an SKI', () => {
    it('writes SignedData version 3 and a subjectKeyIdentifier sid equal to the SKI', async () => {
      const subject = await build();
      const signedData = parseWithPkijs(subject.der);
      const signerInfo = signedData.signerInfos[0];
      expect(signedData.version).toBe(3);
      expect(signedData.signerInfos).toHaveLength(1);
      expect(signerInfo?.version).toBe(3);
      const ski = readSignerCertificate(pki.leaf.certificate).subjectKeyIdentifier as Uint8Array;
      const sid = signerInfo?.sid as asn1js.Primitive;
      expect([sid.idBlock.tagClass, sid.idBlock.tagNumber]).toEqual([3, 0]);
      expect(hex(sid.valueBlock.valueHexView)).toBe(hex(ski));
      expect(Buffer.from(subject.der).includes(Buffer.from([0x80, ski.length, ...ski]))).toBe(true);
    });

    it('carries the content attached under id-data and digests it in message-digest', async () => {
      const subject = await build();
      const signedData = parseWithPkijs(subject.der);
      expect(signedData.encapContentInfo.eContentType).toBe(OID.data);
      const content = signedData.encapContentInfo.eContent?.valueBlock.valueHexView;
      expect(Buffer.from(content as Uint8Array).equals(SAMPLE_CONTENT)).toBe(true);
      const digestAttribute = signedData.signerInfos[0]?.signedAttrs?.attributes.find(
        (attribute) => attribute.type === OID.messageDigest,
      );
      const value = (digestAttribute?.values[0] as asn1js.OctetString).valueBlock.valueHexView;
      expect(hex(value)).toBe(createHash('sha256').update(SAMPLE_CONTENT).digest('hex'));
    });

    it('names the hash and rsaEncryption without parameters and embeds leaf then chain', async () => {
      const subject = await build({ hashAlgorithm: 'sha384' });
      const signedData = parseWithPkijs(subject.der);
      const signerInfo = signedData.signerInfos[0];
      expect(signedData.digestAlgorithms.map((a) => a.algorithmId)).toEqual([OID.sha384]);
      expect(signedData.digestAlgorithms[0]?.algorithmParams).toBeUndefined();
      expect(signerInfo?.digestAlgorithm.algorithmId).toBe(OID.sha384);
      expect(signerInfo?.signatureAlgorithm.algorithmId).toBe(OID.rsaEncryption);
      expect(signerInfo?.signatureAlgorithm.algorithmParams).toBeUndefined();
      expect(signedData.crls).toBeUndefined();
      const certificates = (signedData.certificates ?? []).map((c) =>
        hex(new Uint8Array(c.toSchema().toBER())),
      );
      expect(certificates).toEqual([hex(pki.leaf.certificate), hex(pki.root.certificate)]);
    });

    it('writes the signed attributes in DER SET OF order, signed as the 0x31-tagged SET', async () => {
      const subject = await build();
      const signerInfo = parseWithPkijs(subject.der).signerInfos[0];
      const attributes = (signerInfo?.signedAttrs?.attributes ?? []).map((attribute) =>
        Buffer.from(attribute.toSchema().toBER()),
      );
      const sorted = [...attributes].sort(Buffer.compare);
      expect(attributes.map(hex)).toEqual(sorted.map(hex));
      const signedBytes = Buffer.concat([
        Buffer.from([0x31]),
        Buffer.from(signerInfo?.signedAttrs?.encodedValue as ArrayBuffer).subarray(1),
      ]);
      expect(signedBytes[0]).toBe(0x31);
      const ok = verify(
        'sha256',
        signedBytes,
        { key: pki.leaf.publicKeyObject, padding: constants.RSA_PKCS1_PADDING },
        subject.signatureValue,
      );
      expect(ok).toBe(true);
      expect(hex(signerInfo?.signature.valueBlock.valueHexView as Uint8Array)).toBe(
        hex(subject.signatureValue),
      );
    });

    it('writes content-type, message-digest, signing-time, proofOfOrigin and ESS v2 only', async () => {
      const subject = await build();
      expect(signedAttributeTypes(subject.der).sort()).toEqual(
        [
          OID.contentType,
          OID.messageDigest,
          OID.signingTime,
          OID.commitmentTypeIndication,
          OID.signingCertificateV2,
        ].sort(),
      );
      expect(Buffer.from(subject.der).includes(Buffer.from('240305060708Z'))).toBe(true);
    });
  });

  describe('when the signing certificate has no SKI', () => {
    it('writes version 1 and an issuerAndSerialNumber sid', async () => {
      const noSki = await createSigningPki({ includeSubjectKeyIdentifier: false });
      const subject = await build({ signer: noSki.signer });
      const signedData = parseWithPkijs(subject.der);
      expect(signedData.version).toBe(1);
      const signerInfo = signedData.signerInfos[0];
      expect(signerInfo?.version).toBe(1);
      expect(signerInfo?.sid).toBeInstanceOf(IssuerAndSerialNumber);
    });
  });

  describe('when building a repository signature', () => {
    it('writes proofOfReceipt, the service index URL and the owners', async () => {
      const subject = await build({
        kind: 'repository',
        serviceIndexUrl: 'https://api.example.test/v3/index.json',
        packageOwners: ['alice', 'bob'],
      });
      const types = signedAttributeTypes(subject.der);
      expect(types).toContain(OID.nugetV3ServiceIndexUrl);
      expect(types).toContain(OID.nugetPackageOwners);
      const der = Buffer.from(subject.der);
      expect(der.includes(Buffer.from('https://api.example.test/v3/index.json'))).toBe(true);
      expect(der.includes(Buffer.from('060b2a864886f70d0109100602', 'hex'))).toBe(true);
    });

    it('refuses to build without a service index URL', async () => {
      await expect(build({ kind: 'repository' })).rejects.toMatchObject({ code: 'NUPKG003' });
    });
  });

  describe('when an author signature is given repository-only attributes', () => {
    it('refuses with a usage error', async () => {
      await expect(build({ packageOwners: ['alice'] })).rejects.toBeInstanceOf(NupkgSigningError);
    });
  });

  describe('when overrides ask for defects', () => {
    it('leaves out and adds the named attributes', async () => {
      const certificate = readSignerCertificate(pki.leaf.certificate);
      const subject = await build({
        overrides: {
          omitAttributes: [OID.signingCertificateV2, OID.signingTime],
          extraAttributes: [
            signingCertificateV1Attribute(certificate),
            commitmentTypeIndicationAttribute(OID.proofOfReceipt),
          ],
        },
      });
      const types = signedAttributeTypes(subject.der);
      expect(types).not.toContain(OID.signingCertificateV2);
      expect(types).not.toContain(OID.signingTime);
      expect(types).toContain(OID.signingCertificate);
      expect(types.filter((type) => type === OID.commitmentTypeIndication)).toHaveLength(2);
    });

    it('uses issuerAndSerialNumber, replaces certificates and duplicates the SignerInfo', async () => {
      const subject = await build({
        overrides: {
          sid: 'issuerAndSerialNumber',
          certificates: [pki.root.certificate],
          extraSignerInfos: 1,
        },
      });
      const signedData = parseWithPkijs(subject.der);
      expect(signedData.version).toBe(1);
      expect(signedData.signerInfos).toHaveLength(2);
      expect(signedData.signerInfos[0]?.sid).toBeInstanceOf(IssuerAndSerialNumber);
      expect(signedData.certificates).toHaveLength(1);
    });
  });

  describe('when the signer returns a signature the certificate does not verify', () => {
    it('refuses instead of writing a broken signature', async () => {
      const other = await createSigningPki();
      const mismatched = {
        certificate: pki.leaf.certificate,
        chain: [],
        sign: other.signer.sign.bind(other.signer),
      };
      await expect(build({ signer: mismatched })).rejects.toMatchObject({ code: 'NUPKG003' });
    });
  });

  describe('when openssl reads the output', () => {
    const temp = useTempDir();

    it('verifies the CMS signature and the attached content', async () => {
      const subject = await build();
      const path = temp.write('author.p7s', subject.der);
      const out = temp.path('content.txt');
      const result = openssl([
        'cms',
        '-verify',
        '-noverify',
        '-inform',
        'DER',
        '-in',
        path,
        '-binary',
        '-out',
        out,
      ]);
      expect(result.stderr).toContain('Verification successful');
      expect(result.status).toBe(0);
      expect(readFileSync(out).equals(SAMPLE_CONTENT)).toBe(true);
    });

    it('prints the expected structure', async () => {
      const subject = await build({ hashAlgorithm: 'sha512' });
      const path = temp.write('author-512.p7s', subject.der);
      const result = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path]);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('contentType: pkcs7-signedData');
      expect(result.stdout).toContain('eContentType: pkcs7-data');
      expect(result.stdout).toContain('version: 3');
      expect(result.stdout).toContain('d.subjectKeyIdentifier');
      expect(result.stdout).toContain('algorithm: sha512');
      expect(result.stdout).toContain('algorithm: rsaEncryption');
      expect(result.stdout).toContain('object: signingTime');
      expect(result.stdout).toContain('UTCTIME:Mar  5 06:07:08 2024 GMT');
      expect(result.stdout).toMatch(/crls:\s*<ABSENT>/);
      expect(result.stdout).toMatch(/unsignedAttrs:\s*<ABSENT>/);
    });
  });
});
