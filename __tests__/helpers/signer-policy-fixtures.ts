import type { CertificateFacts, SignatureFacts } from '../../src/policy/signer-policy/facts.js';
import type { SignerPolicy } from '../../src/policy/signer-policy/model.js';
import { parsePolicy } from '../../src/policy/signer-policy/parse-policy.js';

/** Shared by the signer-policy tests: a fixed clock, fingerprints, facts builders. */

export const NOW = new Date('2026-01-15T00:00:00Z');

export const FP = {
  contoso: 'A'.repeat(64),
  contoso2: 'A'.repeat(60) + 'BBBB',
  contosoRemoved: 'C'.repeat(64),
  fabrikam: 'B'.repeat(64),
  unregistered: 'E'.repeat(64),
  onlyRemoved: 'D'.repeat(64),
  shared: '5'.repeat(64),
  intermediate: '1'.repeat(64),
  otherIntermediate: '2'.repeat(64),
  rotatingLeaf: '9'.repeat(64),
} as const;

export function certificate(
  fingerprint: string,
  overrides: Partial<CertificateFacts> = {},
): CertificateFacts {
  return {
    fingerprintSha256: fingerprint,
    subject: `CN=Signer ${fingerprint.slice(0, 4)}, O=Test, C=US`,
    issuer: 'CN=Test Code Signing CA, O=Test, C=US',
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    chainFingerprintsSha256: [fingerprint, FP.intermediate],
    chainSubjects: [],
    ...overrides,
  };
}

export type Signed =
  'unsigned' | { kind: 'author' | 'repository' | 'unknown'; certificate: CertificateFacts };

export function facts(packageId: string, signed: Signed): SignatureFacts {
  if (signed === 'unsigned') return { packageId };
  return {
    packageId,
    primary: { kind: signed.kind, certificate: signed.certificate, valid: true },
  };
}

export const author = (fingerprint: string, overrides: Partial<CertificateFacts> = {}): Signed => ({
  kind: 'author',
  certificate: certificate(fingerprint, overrides),
});

export function policyFrom(yaml: string, files: Record<string, Uint8Array> = {}): SignerPolicy {
  return parsePolicy(yaml, {
    fileName: 'policy.yml',
    baseDir: '/policies',
    readCertificateFile: (path) => {
      const bytes = files[path];
      if (!bytes) throw new Error('ENOENT: no such file');
      return bytes;
    },
  });
}

/** One policy covering every owner/required-signer shape the seed documents describe. */
export const SEED_POLICY_YAML = `
accounts:
  contoso:
    certificates:
      - fingerprint: ${FP.contoso}
        label: release
      - fingerprint: ${FP.contoso2}
      - fingerprint: ${FP.contosoRemoved}
        removed: true
      - fingerprint: ${FP.shared}
  fabrikam:
    certificates:
      - fingerprint: ${FP.fabrikam}
      - fingerprint: ${FP.shared}
  nocert: {}
  onlyremoved:
    certificates:
      - fingerprint: ${FP.onlyRemoved}
        removed: true
  rotating:
    identities:
      - subject: "CN=Rotating Signer*"
        chainsTo: ${FP.intermediate}
  outsider:
    certificates:
      - fingerprint: ${FP.unregistered.replace(/E/g, 'F')}
packages:
  - id: Sole.Contoso
    owners: [contoso]
  - id: Sole.NoCert
    owners: [nocert]
  - id: Any.Both
    owners: [contoso, fabrikam]
  - id: Any.OneWithout
    owners: [contoso, nocert]
    requiredSigner: any
  - id: Any.NoneWith
    owners: [nocert, onlyremoved]
  - id: Req.Fabrikam
    owners: [contoso, fabrikam]
    requiredSigner: fabrikam
  - id: Req.NoCert
    owners: [contoso, nocert]
    requiredSigner: NoCert
  - id: Sole.Rotating
    owners: [rotating]
  - id: Contoso.*
    owners: [contoso]
  - id: Contoso.Special
    owners: [fabrikam]
`;
