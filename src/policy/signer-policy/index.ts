/** The signer policy: registered certificates, package owners and required signer (nuget.org §9.1). */
export type {
  CertificateFacts,
  CountersignatureFacts,
  FingerprintAlgorithm,
  PrimarySignatureFacts,
  SignatureFacts,
} from './facts.js';
export { certificateHash } from './facts.js';
export type {
  Account,
  IdentityRule,
  PackageRule,
  RegisteredCertificate,
  SignerPolicy,
} from './model.js';
export { parsePolicy, type ParsePolicyOptions } from './parse-policy.js';
export { loadPolicyFile } from './load-policy.js';
export { evaluateSignerPolicy, type SignerPolicyDecision } from './evaluate.js';
export { checkPolicyFile } from './check-policy.js';
export { findPackageRule } from './package-rules.js';
export { inspectCertificateFile, registrationProblem } from './der-certificate.js';
export { fingerprintProblem, normalizeFingerprint, shortFingerprint } from './fingerprint.js';
