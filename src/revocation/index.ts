/** Revocation checking (OCSP, CRL) for signing and TSA chains: issue #7, spec §8.4 and §9.4. */
export { assessRevocation, type RevocationAssessment, type RevocationPolicy } from './assess.js';
export { createRevocationChecker, type RevocationCheckerOptions } from './checker.js';
export { resolveRevocationMode, REVOCATION_MODE_VARIABLE } from './mode.js';
export * from './types.js';
export { checkTimestampChainRevocation } from './timestamp-chain.js';
