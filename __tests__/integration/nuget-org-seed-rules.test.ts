/**
 * Every sentence of the two seed documents (shared/seeds/signed-packages.md and
 * register-certificates.md) that states a rule, with packages and policies made for it: at least
 * one case the rule accepts and one it rejects. docs/nuget-org-rules.md is the same table in prose.
 *
 * Each case is a package (signed with a generated PKI and one defect, or unsigned), a signer
 * policy (who owns the package, which certificates are registered, removed or required) and the
 * question asked: a new push (`submission`, the nuget.org preset) or a version nuget.org already
 * serves (`published`, --published), or the client's own verdict (`verify`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS, withOverrides } from '../../src/policy/presets.js';
import type { VerificationPolicy } from '../../src/policy/verification-policy.js';
import { loadBundledTrustStores } from '../../src/trust/bundled-roots.js';
import { checkPolicyFile, loadPolicyFile } from '../../src/policy/signer-policy/index.js';
import { createRevocationChecker } from '../../src/revocation/index.js';
import { verifyPackage, type PackageVerification } from '../../src/verify/verify-package.js';
import { CORPUS_DIR, describeWithCorpus } from '../helpers/corpus.js';
import { generateCrl } from '../helpers/crl-server.js';
import {
  BEFORE_EXPIRY,
  makeSignedPackage,
  signingPki,
  type SignedPackageOptions,
  type SigningPki,
} from '../helpers/signed-package.js';
import { useTempDir } from '../helpers/temp-files.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';
import { createRootCa } from '../helpers/pki.js';
import { OID } from '../../src/asn1/oids.js';

type Question = 'submission' | 'published' | 'verify';

/** Who may sign: accounts with the certificates registered to them, and the package's owners. */
interface Registration {
  /** Account name → what is registered: the package's signer, another certificate, or removed. */
  readonly accounts: Readonly<Record<string, readonly ('signer' | 'other' | 'removed-signer')[]>>;
  readonly owners: readonly string[];
  readonly requiredSigner?: string;
}

interface SeedCase {
  readonly situation: string;
  /** Signed with these options, or unsigned. */
  readonly package: Omit<SignedPackageOptions, 'directory' | 'id' | 'pki'> | 'unsigned';
  /** Default: the signer registered to the sole owner. */
  readonly registration?: Registration;
  /** Default: submission. */
  readonly question?: Question;
  /** Trust the self-issued certificates locally (as --trusted-roots would). */
  readonly trustSelfIssued?: boolean;
  /** Revocation of the signing certificate, from a CRL in `files` mode. */
  readonly revoked?: 'before-timestamp' | 'after-timestamp';
  readonly valid: boolean;
  /** Error codes, sorted; checked when given. */
  readonly errors?: readonly string[];
  /** A message of the verdict matches this. */
  readonly says?: RegExp;
}

interface SeedRule {
  readonly document: 'signed-packages.md' | 'register-certificates.md';
  readonly sentence: string;
  readonly cases: readonly SeedCase[];
}

const SOLE_OWNER: Registration = { accounts: { publisher: ['signer'] }, owners: ['publisher'] };
const OTHER_ONLY: Registration = { accounts: { publisher: ['other'] }, owners: ['publisher'] };
const NO_CERTIFICATE: Registration = { accounts: { publisher: [] }, owners: ['publisher'] };
const REMOVED: Registration = {
  accounts: { publisher: ['removed-signer', 'other'] },
  owners: ['publisher'],
};
const TWO_OWNERS_ONE_REGISTERED: Registration = {
  accounts: { alice: ['signer'], bob: [] },
  owners: ['alice', 'bob'],
};
const TWO_OWNERS_BOTH_REGISTERED: Registration = {
  accounts: { alice: ['other'], bob: ['signer'] },
  owners: ['alice', 'bob'],
};
const TIMESTAMPED_IN_TIME = { timestampTime: BEFORE_EXPIRY } as const;

const RULES: readonly SeedRule[] = [
  {
    document: 'signed-packages.md',
    sentence:
      'An author signature guarantees that the package has not been modified since the author signed the package',
    cases: [
      { situation: 'an intact author-signed package', package: {}, valid: true },
      {
        situation: 'a package changed after signing',
        package: { tamperContentAfterSigning: true },
        valid: false,
        errors: ['NU3008'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'author-signed packages provide an extra authentication mechanism to the nuget.org publishing pipeline because the signing certificate must be registered ahead of time',
    cases: [
      { situation: 'the signer is registered', package: {}, valid: true },
      {
        situation: 'the signer is not registered',
        package: {},
        registration: OTHER_ONLY,
        valid: false,
        errors: ['NU3034'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'Repository signatures provide an integrity guarantee for all packages in a repository whether they are author signed or not',
    cases: [
      {
        situation: 'a repository-countersigned author signature',
        package: { repositoryCountersignature: true },
        question: 'verify',
        valid: true,
      },
      {
        situation: 'a repository-signed package changed after signing',
        package: { kind: 'repository', tamperContentAfterSigning: true },
        question: 'verify',
        valid: false,
        errors: ['NU3008'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'Package signing requires a code signing certificate, which is a special type of certificate that is valid for the id-kp-codeSigning purpose',
    cases: [
      { situation: 'a code-signing certificate', package: {}, valid: true },
      {
        situation: 'a server-authentication certificate',
        package: { signingCertificate: 'no-code-signing-eku' },
        valid: false,
        errors: ['NU3012'],
        says: /lists only server authentication/,
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'Additionally, the certificate must have an RSA public key length of 2048 bits or higher.',
    cases: [
      { situation: 'an RSA 2048 key', package: {}, valid: true },
      {
        situation: 'an RSA 1024 key',
        package: { signingCertificate: 'rsa-1024' },
        valid: false,
        errors: ['NU3014'],
      },
      {
        situation: 'an ECDSA key',
        package: { signingCertificate: 'ecdsa' },
        valid: false,
        errors: ['NU3014'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence: 'You can use self-issued certificates for testing purposes.',
    cases: [
      {
        situation: 'a self-issued certificate trusted locally, verified as the client does',
        package: { signingCertificate: 'self-issued' },
        question: 'verify',
        trustSelfIssued: true,
        valid: true,
      },
      {
        situation: 'a self-issued certificate nobody trusts',
        package: { signingCertificate: 'self-issued' },
        question: 'verify',
        valid: false,
        errors: ['NU3018'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence: 'nuget.org does not accept packages signed with self-issued certificates.',
    cases: [
      { situation: 'a certificate from a CA', package: {}, valid: true },
      {
        situation: 'a self-issued certificate trusted locally',
        package: { signingCertificate: 'self-issued' },
        trustSelfIssued: true,
        valid: false,
        errors: ['NU3018'],
        says: /self-issued.*whatever roots this machine trusts/,
      },
      {
        situation: 'a self-issued certificate not trusted locally (no advice to trust it)',
        package: { signingCertificate: 'self-issued' },
        valid: false,
        errors: ['NU3018'],
        says: /^(?![\s\S]*--trusted-roots)[\s\S]*public certificate authority/,
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      "Signed packages should include an RFC 3161 timestamp to ensure signature validity beyond the package signing certificate's validity period.",
    cases: [
      {
        situation: 'an expired certificate with a timestamp inside its validity, for restore',
        package: { signingCertificate: 'expired', ...TIMESTAMPED_IN_TIME },
        question: 'verify',
        valid: true,
      },
      {
        situation: 'an expired certificate without a timestamp, for restore',
        package: { signingCertificate: 'expired', timestamps: 0 },
        question: 'verify',
        valid: false,
        errors: ['NU3037'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'The certificate used to sign the timestamp must be valid for the id-kp-timeStamping purpose',
    cases: [
      { situation: 'a time-stamping TSA certificate', package: {}, valid: true },
      {
        situation: 'a TSA certificate for code signing',
        package: { timestampAuthority: 'no-timestamping-eku' },
        valid: false,
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'Additionally, the certificate must have an RSA public key length of 2048 bits or higher. (timestamp)',
    cases: [
      { situation: 'a TSA with RSA 2048', package: {}, valid: true },
      {
        situation: 'a TSA with RSA 1024',
        package: { timestampAuthority: 'rsa-1024' },
        valid: false,
        errors: ['NU3023'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence: 'The primary signature must be an author signature.',
    cases: [
      { situation: 'an author primary signature', package: {}, valid: true },
      {
        // NU3004 too: the owner has a registered certificate, so an author signature is required.
        situation: 'a repository primary signature',
        package: { kind: 'repository' },
        valid: false,
        errors: ['NU3000', 'NU3004'],
        says: /accepts only packages whose primary signature is an author signature/,
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence: 'The primary signature must have a single valid timestamp.',
    cases: [
      { situation: 'one valid timestamp', package: {}, valid: true },
      {
        situation: 'no timestamp',
        package: { timestamps: 0 },
        valid: false,
        errors: ['NU3027'],
      },
      {
        situation: 'two timestamps',
        package: { timestamps: 2 },
        valid: false,
        errors: ['NU3000'],
      },
      {
        situation: 'a timestamp over other bytes',
        package: { timestampImprintMismatch: true },
        valid: false,
        errors: ['NU3019'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence: 'Must have an RSA public key 2048 bits or greater.',
    cases: [
      { situation: 'author and TSA certificates with RSA 2048', package: {}, valid: true },
      {
        situation: 'an author certificate with RSA 1024',
        package: { signingCertificate: 'rsa-1024' },
        valid: false,
        errors: ['NU3014'],
      },
      {
        situation: 'a TSA certificate with RSA 1024',
        package: { timestampAuthority: 'rsa-1024' },
        valid: false,
        errors: ['NU3023'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'Must be within its validity period per current UTC time at time of package validation on nuget.org.',
    cases: [
      { situation: 'current author and TSA certificates', package: {}, valid: true },
      {
        situation: 'an author certificate that expired after a valid timestamp, pushed now',
        package: { signingCertificate: 'expired', ...TIMESTAMPED_IN_TIME },
        valid: false,
        errors: ['NU3037'],
        says: /expired on 2023-01-01[\s\S]*stays valid for restore/,
      },
      {
        situation: 'the same package, a version nuget.org already serves',
        package: { signingCertificate: 'expired', ...TIMESTAMPED_IN_TIME },
        question: 'published',
        valid: true,
      },
      {
        situation: 'a TSA certificate that expired after the timestamp, pushed now',
        package: { timestampAuthority: 'expired', ...TIMESTAMPED_IN_TIME },
        valid: false,
        errors: ['NU3028'],
        says: /timestamp certificate[\s\S]*expired on 2023-01-01/,
      },
      {
        situation: 'a TSA certificate that expired after the timestamp, for restore',
        package: { timestampAuthority: 'expired', ...TIMESTAMPED_IN_TIME },
        question: 'verify',
        valid: true,
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence: 'Must chain to a trusted root authority that is trusted by default on Windows.',
    cases: [
      { situation: 'a chain to a trusted root', package: {}, valid: true },
      {
        situation: 'a chain to an untrusted root',
        package: { signingCertificate: 'untrusted-root' },
        valid: false,
        errors: ['NU3018'],
      },
      {
        situation: 'a TSA chaining to an untrusted root',
        package: { timestampAuthority: 'untrusted-root' },
        valid: false,
        errors: ['NU3028'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence: 'Packages signed with self-issued certificates are rejected.',
    cases: [
      {
        situation: 'a self-issued author certificate, trusted locally',
        package: { signingCertificate: 'self-issued' },
        trustSelfIssued: true,
        valid: false,
        errors: ['NU3018'],
      },
      {
        situation: 'a self-issued TSA certificate, trusted locally',
        package: { timestampAuthority: 'self-issued' },
        trustSelfIssued: true,
        valid: false,
        errors: ['NU3028'],
      },
      { situation: 'CA-issued certificates', package: {}, valid: true },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence: 'The author signing certificate must be valid for code signing.',
    cases: [
      { situation: 'code signing EKU', package: {}, valid: true },
      {
        situation: 'no EKU extension (every purpose)',
        package: { signingCertificate: 'no-eku' },
        valid: true,
      },
      {
        situation: 'server authentication EKU only',
        package: { signingCertificate: 'no-code-signing-eku' },
        valid: false,
        errors: ['NU3012'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence: 'The timestamp certificate must be valid for timestamping.',
    cases: [
      { situation: 'time stamping EKU', package: {}, valid: true },
      {
        situation: 'code signing EKU on the TSA certificate',
        package: { timestampAuthority: 'no-timestamping-eku' },
        valid: false,
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence: 'Must not be revoked at signing time.',
    cases: [
      { situation: 'not revoked', package: TIMESTAMPED_IN_TIME, valid: true },
      {
        situation: 'revoked before the timestamp',
        package: TIMESTAMPED_IN_TIME,
        revoked: 'before-timestamp',
        valid: false,
        errors: ['NU3012'],
      },
      {
        situation: 'revoked after the timestamp',
        package: TIMESTAMPED_IN_TIME,
        revoked: 'after-timestamp',
        valid: true,
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'This may not be knowable at submission time, so nuget.org periodically rechecks revocation status',
    cases: [
      {
        situation: 'a served version whose certificate was revoked after the timestamp',
        package: TIMESTAMPED_IN_TIME,
        revoked: 'after-timestamp',
        question: 'published',
        valid: true,
      },
      {
        situation: 'a served version whose certificate was revoked before the timestamp',
        package: TIMESTAMPED_IN_TIME,
        revoked: 'before-timestamp',
        question: 'published',
        valid: false,
        errors: ['NU3012'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence: 'To submit a signed package, you must first register the certificate with nuget.org.',
    cases: [
      { situation: 'registered', package: {}, valid: true },
      {
        situation: 'not registered',
        package: {},
        registration: OTHER_ONLY,
        valid: false,
        errors: ['NU3034'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'One user can submit multiple certificates and the same certificate can be registered by multiple users.',
    cases: [
      {
        situation: 'the signer is the second certificate of the account',
        package: {},
        registration: { accounts: { publisher: ['other', 'signer'] }, owners: ['publisher'] },
        valid: true,
      },
      {
        situation: 'the signer is registered to this owner and to another user',
        package: {},
        registration: {
          accounts: { publisher: ['signer'], someone: ['signer'] },
          owners: ['publisher'],
        },
        valid: true,
      },
      {
        situation: 'the signer is registered only to a user who does not own the package',
        package: {},
        registration: {
          accounts: { publisher: ['other'], someone: ['signer'] },
          owners: ['publisher'],
        },
        valid: false,
        errors: ['NU3034'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'Once a user has a certificate registered, all future package submissions **must** be signed with one of the certificates.',
    cases: [
      { situation: 'signed with a registered certificate', package: {}, valid: true },
      {
        situation: 'unsigned',
        package: 'unsigned',
        valid: false,
        errors: ['NU3004'],
      },
      {
        situation: 'unsigned, owner without certificates',
        package: 'unsigned',
        registration: NO_CERTIFICATE,
        valid: true,
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'Once a certificate is removed, packages signed with that certificate fail at submission.',
    cases: [
      {
        situation: 'signed with the removed certificate',
        package: {},
        registration: REMOVED,
        valid: false,
        errors: ['NU3034'],
        says: /removed from publisher/,
      },
      {
        situation: "signed with the account's only certificate, removed",
        package: {},
        registration: { accounts: { publisher: ['removed-signer'] }, owners: ['publisher'] },
        valid: false,
        errors: ['NU3034'],
        says: /removed from publisher[\s\S]*no registered certificate left/,
      },
      { situation: 'signed with a certificate still registered', package: {}, valid: true },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence: "Existing packages aren't affected.",
    cases: [
      {
        situation: 'a served version signed with a since-removed certificate',
        package: {},
        registration: REMOVED,
        question: 'published',
        valid: true,
        says: /existing packages are not affected/,
      },
      {
        situation: 'a served version changed after signing',
        package: { tamperContentAfterSigning: true },
        registration: REMOVED,
        question: 'published',
        valid: false,
        errors: ['NU3008'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'If you are the sole owner of a package, you are the required signer. That is, you can use any of the registered certificates to sign your packages and submit to nuget.org.',
    cases: [
      {
        situation: "any of the sole owner's certificates",
        package: {},
        registration: { accounts: { publisher: ['other', 'signer'] }, owners: ['publisher'] },
        valid: true,
      },
      {
        situation: 'a certificate the sole owner did not register',
        package: {},
        registration: OTHER_ONLY,
        valid: false,
        errors: ['NU3034'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'If a package has multiple owners, by default, "Any" owner\'s certificates can be used to sign the package.',
    cases: [
      {
        situation: "the second owner's certificate",
        package: {},
        registration: TWO_OWNERS_BOTH_REGISTERED,
        valid: true,
      },
      {
        situation: 'no owner registered the signer',
        package: {},
        registration: { accounts: { alice: ['other'], bob: ['other'] }, owners: ['alice', 'bob'] },
        valid: false,
        errors: ['NU3034'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'As a co-owner of the package, you can override "Any" with yourself or any other co-owner to be the required signer.',
    cases: [
      {
        situation: "the required signer's certificate",
        package: {},
        registration: { ...TWO_OWNERS_BOTH_REGISTERED, requiredSigner: 'bob' },
        valid: true,
      },
      {
        situation: "another owner's certificate when bob is required",
        package: {},
        registration: {
          accounts: { alice: ['signer'], bob: ['other'] },
          owners: ['alice', 'bob'],
          requiredSigner: 'bob',
        },
        valid: false,
        errors: ['NU3034'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'If you make an owner who does not have any certificate registered, then unsigned packages will be allowed.',
    cases: [
      {
        situation: 'unsigned, the required signer has no certificate',
        package: 'unsigned',
        registration: { ...TWO_OWNERS_ONE_REGISTERED, requiredSigner: 'bob' },
        valid: true,
      },
      {
        situation: 'unsigned, the required signer has a certificate',
        package: 'unsigned',
        registration: { ...TWO_OWNERS_ONE_REGISTERED, requiredSigner: 'alice' },
        valid: false,
        errors: ['NU3004'],
      },
    ],
  },
  {
    document: 'signed-packages.md',
    sentence:
      'if the default "Any" option is selected for a package where one owner has a certificate registered and another owner does not have any certificate registered, then nuget.org accepts either a signed package with a signature registered by one of its owners or an unsigned package',
    cases: [
      {
        situation: "signed with the registered owner's certificate",
        package: {},
        registration: TWO_OWNERS_ONE_REGISTERED,
        valid: true,
      },
      {
        situation: 'unsigned',
        package: 'unsigned',
        registration: TWO_OWNERS_ONE_REGISTERED,
        valid: true,
      },
      {
        situation: 'signed with a certificate no owner registered',
        package: {},
        registration: { accounts: { alice: ['other'], bob: [] }, owners: ['alice', 'bob'] },
        valid: false,
        errors: ['NU3034'],
      },
    ],
  },
  {
    document: 'register-certificates.md',
    sentence:
      'To submit signed packages to NuGet.org the certificate used to sign must be registered in NuGet.org before.',
    cases: [
      { situation: 'registered', package: {}, valid: true },
      {
        situation: 'registered nowhere',
        package: {},
        registration: OTHER_ONLY,
        valid: false,
        errors: ['NU3034'],
      },
    ],
  },
  {
    document: 'register-certificates.md',
    sentence:
      "Users can remove a registered certificate from his account, from that point packages signed with that certificate will fail at submission. Existing packages won't be affected.",
    cases: [
      {
        situation: 'a new push signed with the removed certificate',
        package: {},
        registration: REMOVED,
        valid: false,
        errors: ['NU3034'],
      },
      {
        situation: 'a served version signed with it',
        package: {},
        registration: REMOVED,
        question: 'published',
        valid: true,
      },
    ],
  },
  {
    document: 'register-certificates.md',
    sentence:
      'in the case of multiple owners the package can be configured to use a certificate from `Any` of the certificates associated with any account, or the certificates of one specific account.',
    cases: [
      {
        situation: 'Any: a certificate of either owner',
        package: {},
        registration: TWO_OWNERS_BOTH_REGISTERED,
        valid: true,
      },
      {
        situation: 'one specific account: a certificate of the other owner',
        package: {},
        registration: { ...TWO_OWNERS_BOTH_REGISTERED, requiredSigner: 'alice' },
        valid: false,
        errors: ['NU3034'],
      },
    ],
  },
  {
    document: 'register-certificates.md',
    sentence:
      'To exclude a package from the signing requirements you can add a Co-Owner with no certificates selected and make sure the package is configured to allow `Any` or the account without certificates.',
    cases: [
      {
        situation: 'unsigned, Any with a co-owner without certificates',
        package: 'unsigned',
        registration: TWO_OWNERS_ONE_REGISTERED,
        valid: true,
      },
      {
        situation: 'unsigned, the co-owner without certificates is the required signer',
        package: 'unsigned',
        registration: { ...TWO_OWNERS_ONE_REGISTERED, requiredSigner: 'bob' },
        valid: true,
      },
      {
        situation: 'unsigned, every owner has a certificate',
        package: 'unsigned',
        registration: TWO_OWNERS_BOTH_REGISTERED,
        valid: false,
        errors: ['NU3004'],
      },
    ],
  },
];

const OTHER_FINGERPRINT = 'AB'.repeat(32);
/** When revoked certificates were revoked, around TIMESTAMPED_IN_TIME (2022-06-01). */
const REVOKED_AT = {
  'before-timestamp': new Date('2021-06-01T00:00:00Z'),
  'after-timestamp': new Date('2022-09-01T00:00:00Z'),
} as const;

describe('nuget.org seed rules', () => {
  const temp = useTempDir();
  let pki: SigningPki;
  let count = 0;

  beforeAll(async () => {
    pki = await signingPki();
  });

  /** The package's path and its signer's SHA-256 fingerprint (another one when unsigned). */
  async function packageFor(
    entry: SeedCase,
    id: string,
  ): Promise<{ path: string; signer: string }> {
    if (entry.package === 'unsigned') {
      const path = temp.path(`${id}.nupkg`);
      writeFileSync(path, buildZip({ entries: [nuspecEntry(id, '1.0.0')] }));
      return { path, signer: OTHER_FINGERPRINT };
    }
    const options = entry.package;
    if (!entry.revoked) {
      const { leaf } = await pki.signingCertificate(options.signingCertificate);
      const path = await makeSignedPackage({ directory: temp.path(''), id, pki, ...options });
      return { path, signer: leaf.fingerprintSha256 };
    }
    // A leaf of its own, listed in the CRL of the issuing intermediate.
    const leaf = await pki.intermediate.issueLeaf({
      subject: `CN=${id}, O=nupkg-signing tests`,
      keyPair: pki.leaf.keyPair,
    });
    const withLeaf: SigningPki = {
      ...pki,
      signingCertificate: () => Promise.resolve({ leaf, chain: [pki.intermediate.certificate] }),
    };
    const crl = generateCrl({
      ca: pki.intermediate,
      entries: [{ certificate: leaf, status: 'revoked', revokedAt: REVOKED_AT[entry.revoked] }],
    });
    const crlDirectory = temp.path(`${id}-revocation`);
    mkdirSync(crlDirectory, { recursive: true });
    writeFileSync(join(crlDirectory, 'intermediate.crl'), crl);
    const path = await makeSignedPackage({
      directory: temp.path(''),
      id,
      pki: withLeaf,
      ...options,
    });
    return { path, signer: leaf.fingerprintSha256 };
  }

  function policyFor(entry: SeedCase, id: string, signer: string): string {
    const registration = entry.registration ?? SOLE_OWNER;
    const lines = ['version: 1', 'accounts:'];
    for (const [name, items] of Object.entries(registration.accounts)) {
      lines.push(`  ${name}:`, '    certificates:');
      if (items.length === 0) lines[lines.length - 1] = '    certificates: []';
      for (const item of items) {
        lines.push(`      - fingerprint: ${item === 'other' ? OTHER_FINGERPRINT : signer}`);
        if (item === 'removed-signer') lines.push('        removed: true');
      }
    }
    lines.push('packages:', `  - id: ${id}`, `    owners: [${registration.owners.join(', ')}]`);
    if (registration.requiredSigner)
      lines.push(`    requiredSigner: ${registration.requiredSigner}`);
    return temp.write(`${id}.yml`, `${lines.join('\n')}\n`);
  }

  async function judge(entry: SeedCase): Promise<PackageVerification> {
    const id = `Seed.Case${++count}`;
    const { path, signer } = await packageFor(entry, id);
    const question = entry.question ?? 'submission';
    const policy =
      question === 'verify'
        ? PRESETS.verify
        : withOverrides(PRESETS['nuget.org'], { nugetOrg: question });
    const now = new Date();
    let trust = pki.trust;
    if (entry.trustSelfIssued) {
      const signer = await pki.signingCertificate('self-issued');
      const tsa = await pki.timestampCertificate('self-issued');
      trust = {
        codeSigning: trust.codeSigning.with([signer.leaf.certificate]),
        timestamping: trust.timestamping.with([tsa.certificate]),
      };
    }
    return verifyPackage(path, {
      policy,
      now,
      trust,
      ...(question === 'verify'
        ? {}
        : { signerPolicy: loadPolicyFile(policyFor(entry, id, signer)) }),
      ...(entry.revoked
        ? {
            revocation: createRevocationChecker({
              mode: 'files',
              directory: temp.path(`${id}-revocation`),
              now,
            }),
          }
        : {}),
    });
  }

  describe.each(RULES)('$document: "$sentence"', ({ cases }) => {
    it('has a case it accepts and a case it rejects', () => {
      expect(cases.some((c) => c.valid)).toBe(true);
      expect(cases.some((c) => !c.valid)).toBe(true);
    });

    it.each(cases)('$situation: valid is $valid', async (entry) => {
      const result = await judge(entry);
      const errors = [
        ...new Set(result.issues.filter((i) => i.level === 'error').map((i) => i.code)),
      ].sort();
      expect({ valid: result.valid, errors }).toEqual({
        valid: entry.valid,
        errors: entry.errors ?? (entry.valid ? [] : expect.any(Array)),
      });
      if (!entry.valid) expect(errors.length).toBeGreaterThan(0);
      if (entry.says) {
        const text = [...result.issues.map((i) => i.message), result.signerPolicy ?? ''].join('\n');
        expect(text).toMatch(entry.says);
      }
    });
  });
});

describe('policy check: registered certificates no package can be accepted with', () => {
  const temp = useTempDir();
  const NOW = new Date('2026-11-29T00:00:00Z');

  const cases = [
    {
      sentence: 'Must have an RSA public key 2048 bits or greater.',
      situation: 'a 1024-bit RSA certificate',
      code: 'NU3014',
      make: async () => (await createRootCa()).issueLeaf({ rsaBits: 1024 }),
    },
    {
      sentence: 'The author signing certificate must be valid for code signing.',
      situation: 'a server-authentication certificate',
      code: 'NU3018',
      make: async () =>
        (await createRootCa()).issueLeaf({ extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'] }),
    },
    {
      sentence: 'The author signing certificate must be valid for code signing.',
      situation: 'a timestamping certificate',
      code: 'NU3018',
      make: async () => (await createRootCa()).issueTsa(),
    },
    {
      sentence: 'Packages signed with self-issued certificates are rejected.',
      situation: 'a self-issued certificate',
      code: 'NU3018',
      make: () =>
        createRootCa({ isCa: false, extendedKeyUsages: [OID.codeSigning], keyUsage: 0x80 }),
    },
  ];

  it.each(cases)(
    'reports $situation with "$sentence" ($code)',
    async ({ sentence, code, make }) => {
      const certificate = await make();
      const file = temp.write(`${code}-${Math.random()}.cer`, certificate.certificate);
      const policyPath = temp.write(
        `check-${Math.random()}.yml`,
        `version: 1\naccounts:\n  publisher:\n    certificates:\n      - file: ${file}\npackages:\n  - id: Contoso.*\n    owners: [publisher]\n`,
      );
      const issues = checkPolicyFile(loadPolicyFile(policyPath), NOW);
      const found = issues.find((i) => i.code === code && i.level === 'error');
      expect(found?.message).toContain(sentence);
      expect(found?.message).toMatch(/can never sign a package nuget.org accepts/);
    },
  );

  it('reports nothing for a CA-issued 2048-bit code-signing certificate', async () => {
    const certificate = await (await createRootCa()).issueLeaf();
    const file = temp.write('good.cer', certificate.certificate);
    const policyPath = temp.write(
      'good.yml',
      `version: 1\naccounts:\n  publisher:\n    certificates:\n      - file: ${file}\npackages:\n  - id: Contoso.*\n    owners: [publisher]\n`,
    );
    expect(checkPolicyFile(loadPolicyFile(policyPath), NOW)).toEqual([]);
  });

  it("warns that removing an account's last certificate allows unsigned uploads again", async () => {
    const policyPath = temp.write(
      'expired.yml',
      `version: 1\naccounts:\n  publisher:\n    certificates:\n      - fingerprint: ${OTHER_FINGERPRINT}\n        expires: 2026-01-01\npackages:\n  - id: Contoso.*\n    owners: [publisher]\n`,
    );
    const [warning] = checkPolicyFile(loadPolicyFile(policyPath), NOW);
    expect(warning?.message).toMatch(
      /mark this one removed\. Register the replacement first: with no active certificate left, publisher requires no signature, so nuget\.org accepts unsigned uploads/,
    );
  });
});

describeWithCorpus('nuget.org seed rules on a real package', () => {
  // Nerdbank.Streams 2.12.87: author certificate valid 2023-04-27 to 2026-04-26, timestamped
  // 2025-03-20, repository countersigned by nuget.org.
  const NERDBANK = join(CORPUS_DIR, 'real', 'nerdbank.streams.2.12.87.nupkg');
  const AFTER_EXPIRY = new Date('2026-11-29T00:00:00Z');
  const trust = loadBundledTrustStores();
  const judge = (policy: VerificationPolicy, now: Date) =>
    verifyPackage(NERDBANK, { policy, now, trust });

  it('"Must be within its validity period per current UTC time": a push after the certificate expired is refused (NU3037)', async () => {
    const result = await judge(PRESETS['nuget.org'], AFTER_EXPIRY);
    expect(result.valid).toBe(false);
    const expired = result.issues.find((i) => i.code === 'NU3037' && i.level === 'error');
    expect(expired?.message).toMatch(
      /expired on 2026-04-26[\s\S]*stays valid for restore \(--policy verify\) because it is timestamped 2025-03-20/,
    );
  });

  it('the same push while the certificate was current is accepted', async () => {
    const result = await judge(PRESETS['nuget.org'], new Date('2025-06-01T00:00:00Z'));
    expect(result.issues.filter((i) => i.level === 'error')).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('nuget.org keeps serving the published version, and restore accepts it', async () => {
    const published = withOverrides(PRESETS['nuget.org'], { nugetOrg: 'published' });
    expect((await judge(published, AFTER_EXPIRY)).valid).toBe(true);
    expect((await judge(PRESETS.verify, AFTER_EXPIRY)).valid).toBe(true);
  });
});
