import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { getPkijs } from '../../../src/crypto.js';
import { OID } from '../../../src/asn1/oids.js';
import {
  createRootCa,
  createTestPki,
  x509,
  type TestCa,
  type TestCertificate,
} from '../../helpers/pki.js';

const pkijs = getPkijs();

function parsed(certificate: TestCertificate) {
  return pkijs.Certificate.fromBER(Uint8Array.from(certificate.certificate).buffer);
}

function extensions(certificate: TestCertificate, oid: string) {
  return (parsed(certificate).extensions ?? []).filter((e) => e.extnID === oid);
}

function ekusOf(certificate: TestCertificate): string[] | undefined {
  const [eku] = extensions(certificate, OID.extKeyUsage);
  return (eku?.parsedValue as { keyPurposes: string[] } | undefined)?.keyPurposes;
}

let root: TestCa;
beforeAll(async () => {
  root = await createRootCa();
});

describe('#createTestPki', () => {
  it('builds chains whose signatures verify with node:crypto', async () => {
    const subject = await createTestPki();
    expect(subject.leaf.x509.verify(subject.intermediate.x509.publicKey)).toBe(true);
    expect(subject.intermediate.x509.verify(subject.root.x509.publicKey)).toBe(true);
    expect(subject.root.x509.verify(subject.root.x509.publicKey)).toBe(true);
    expect(subject.tsa.x509.verify(subject.tsaRoot.x509.publicKey)).toBe(true);
    expect(subject.leaf.x509.checkIssued(subject.intermediate.x509)).toBe(true);
    expect(subject.root.x509.ca).toBe(true);
    expect(subject.leaf.x509.ca).toBe(false);
    expect(subject.leaf.fingerprintSha256).toBe(subject.leaf.x509.fingerprint256.replace(/:/g, ''));
    expect(new X509Certificate(subject.leaf.pem).raw).toEqual(
      Buffer.from(subject.leaf.certificate),
    );
  });
});

describe('certificate defaults', () => {
  it('gives a leaf a non-critical code-signing EKU and a 2048-bit RSA key', async () => {
    const subject = await root.issueLeaf();
    expect(ekusOf(subject)).toEqual([OID.codeSigning]);
    expect(extensions(subject, OID.extKeyUsage)[0]?.critical).toBe(false);
    expect(subject.x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(parsed(subject).signatureAlgorithm.algorithmId).toBe(OID.sha256WithRSAEncryption);
    expect(extensions(subject, OID.subjectKeyIdentifier)).toHaveLength(1);
    expect(extensions(subject, OID.authorityKeyIdentifier)).toHaveLength(1);
  });

  it('gives a TSA a critical time-stamping EKU', async () => {
    const subject = await root.issueTsa();
    expect(ekusOf(subject)).toEqual([OID.timeStamping]);
    expect(extensions(subject, OID.extKeyUsage)[0]?.critical).toBe(true);
  });
});

describe('defect options', () => {
  it('sets validity dates for expired and not-yet-valid cases', async () => {
    const notBefore = new Date('2030-01-01T00:00:00Z');
    const notAfter = new Date('2031-01-01T00:00:00Z');
    const subject = await root.issueLeaf({ notBefore, notAfter });
    expect(new Date(subject.x509.validFrom).toISOString()).toBe(notBefore.toISOString());
    expect(new Date(subject.x509.validTo).toISOString()).toBe(notAfter.toISOString());
  });

  it('omits the EKU extension when extendedKeyUsages is null', async () => {
    const subject = await root.issueLeaf({ extendedKeyUsages: null });
    expect(extensions(subject, OID.extKeyUsage)).toHaveLength(0);
  });

  it('writes the given EKUs with the given criticality', async () => {
    const subject = await root.issueTsa({
      extendedKeyUsages: [OID.codeSigning],
      ekuCritical: false,
    });
    expect(ekusOf(subject)).toEqual([OID.codeSigning]);
    expect(extensions(subject, OID.extKeyUsage)[0]?.critical).toBe(false);
  });

  it('adds the lifetime-signing EKU', async () => {
    const subject = await root.issueLeaf({ lifetimeSigning: true });
    expect(ekusOf(subject)).toEqual([OID.codeSigning, OID.lifetimeSigning]);
  });

  it('makes a 1024-bit RSA key', async () => {
    const subject = await root.issueLeaf({ rsaBits: 1024 });
    expect(subject.x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
  });

  it('makes an ECDSA key, and an ECDSA CA signs with ecdsa-with-SHA256', async () => {
    const ecRoot = await createRootCa({ keyAlgorithm: 'ECDSA' });
    const subject = await ecRoot.issueLeaf({ keyAlgorithm: 'ECDSA' });
    expect(subject.x509.publicKey.asymmetricKeyType).toBe('ec');
    expect(parsed(subject).signatureAlgorithm.algorithmId).toBe('1.2.840.10045.4.3.2');
    expect(subject.x509.verify(ecRoot.x509.publicKey)).toBe(true);
  });

  it.each([
    ['SHA-1', OID.sha1WithRSAEncryption],
    ['SHA-384', OID.sha384WithRSAEncryption],
    ['SHA-512', OID.sha512WithRSAEncryption],
  ] as const)('signs with %s and the signature verifies', async (signatureHash, oid) => {
    const subject = await root.issueLeaf({ signatureHash });
    expect(parsed(subject).signatureAlgorithm.algorithmId).toBe(oid);
    expect(subject.x509.verify(root.x509.publicKey)).toBe(true);
  });

  it('makes a CA with a path length constraint', async () => {
    const subject = await root.issueIntermediate({ pathLength: 0 });
    const [basicConstraints] = extensions(subject, OID.basicConstraints);
    expect(basicConstraints?.critical).toBe(true);
    expect(
      (basicConstraints?.parsedValue as { cA: boolean; pathLenConstraint?: number })
        .pathLenConstraint,
    ).toBe(0);
  });

  it('makes a leaf that claims to be a CA', async () => {
    const subject = await root.issueLeaf({ isCa: true });
    const [basicConstraints] = extensions(subject, OID.basicConstraints);
    expect((basicConstraints?.parsedValue as { cA: boolean }).cA).toBe(true);
    expect(ekusOf(subject)).toEqual([OID.codeSigning]);
  });

  it('omits the subject key identifier', async () => {
    const subject = await root.issueLeaf({ includeSubjectKeyIdentifier: false });
    expect(extensions(subject, OID.subjectKeyIdentifier)).toHaveLength(0);
  });

  it('uses the given serial number and subject', async () => {
    const subject = await root.issueLeaf({
      serialNumber: '0102030405',
      subject: 'CN=Contoso, O=Contoso',
    });
    expect(subject.x509.serialNumber).toBe('0102030405');
    expect(subject.x509.subject).toBe('CN=Contoso\nO=Contoso');
    expect(subject.subject).toBe('CN=Contoso, O=Contoso');
  });

  it('appends extra extensions such as a second EKU extension', async () => {
    const subject = await root.issueTsa({
      extraExtensions: [new x509.ExtendedKeyUsageExtension([OID.timeStamping], true)],
    });
    expect(extensions(subject, OID.extKeyUsage)).toHaveLength(2);
  });

  it('uses distinct keys for the certificates of one chain', async () => {
    const intermediate = await root.issueIntermediate();
    const leaf = await intermediate.issueLeaf();
    const keys = [root, intermediate, leaf].map((c) =>
      c.publicKeyObject.export({ format: 'der', type: 'spki' }).toString('hex'),
    );
    expect(new Set(keys).size).toBe(3);
    expect(asn1js.fromBER(Uint8Array.from(leaf.certificate).buffer).offset).toBe(
      leaf.certificate.byteLength,
    );
  });
});
