/**
 * Runs one fuzz case: mutate a seed, verify it, and check the properties of issue #8 —
 * verifyPackage never throws for a readable file, every result carries a coded issue when
 * invalid, a mutated package is valid only when its signed bytes are unchanged, and each input
 * finishes within a time bound.
 */
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { NupkgSigningError } from '../../src/errors.js';
import { parsePrimarySignature } from '../../src/signature/primary-signature.js';
import { parseSignatureContent } from '../../src/signature/signature-content.js';
import type { VerifyOptions } from '../../src/verify/verify-package.js';
import { verifyPackage } from '../../src/verify/verify-package.js';
import { applyMutation, describeSeed, type Mutation, type SeedPackage } from './mutations.js';
import {
  certificateDigest,
  falseAcceptReason,
  signedFingerprint,
  type SignedFingerprint,
} from './oracle.js';

export const CODE_PATTERN = /^(NU\d{4}|NUPKG\d{3})$/;
/** Each input must finish within this (issue #8); the machine is shared, so it is generous. */
export const TIME_LIMIT_MS = 2000;

export interface FuzzSeed extends SeedPackage {
  readonly options: VerifyOptions;
  readonly hashAlgorithm: string;
  readonly fingerprint: SignedFingerprint;
  readonly signerCertificate: string;
  /** The signer certificate has expired at `options.now`: validity rests on the timestamp. */
  readonly timestampRequired: boolean;
}

export type Outcome =
  | { kind: 'ok'; valid: boolean; ms: number; unchanged: boolean }
  | { kind: 'crash'; ms: number; detail: string }
  | { kind: 'uncoded'; ms: number; detail: string }
  | { kind: 'false-accept'; ms: number; detail: string }
  | { kind: 'hang'; ms: number; detail: string };

/** Prepares a seed: it must verify as valid, unmutated, under `options`. */
export async function prepareSeed(
  name: string,
  bytes: Buffer,
  options: VerifyOptions,
  scratchPath: string,
): Promise<FuzzSeed> {
  const seed = describeSeed(name, bytes);
  writeFileSync(scratchPath, bytes);
  const result = await verifyPackage(scratchPath, options);
  if (!result.valid) {
    throw new Error(`seed ${name} is not valid: ${result.issues.map((i) => i.code).join(' ')}`);
  }
  const signature = parsePrimarySignature(
    bytes.subarray(seed.signatureData, seed.signatureData + seed.signatureLength),
  );
  const hashAlgorithm = parseSignatureContent(signature.content as Uint8Array).hashAlgorithm;
  const certificate = signature.signer.findSignerCertificate(signature.certificates);
  if (!certificate) throw new Error(`seed ${name}: no signer certificate`);
  const fingerprint = signedFingerprint(bytes, hashAlgorithm);
  const signerCertificate = certificateDigest(certificate.der);
  const expires = new Date(new X509Certificate(certificate.der).validTo);
  return {
    ...seed,
    options,
    hashAlgorithm,
    fingerprint,
    signerCertificate,
    timestampRequired: expires < options.now,
  };
}

/** Mutates, verifies and judges one case. `path` is a scratch file (tmpfs is fastest). */
export async function runCase(seed: FuzzSeed, mutation: Mutation, path: string): Promise<Outcome> {
  const bytes = applyMutation(seed, mutation);
  writeFileSync(path, bytes);
  const started = performance.now();
  let result: Awaited<ReturnType<typeof verifyPackage>>;
  try {
    result = await verifyPackage(path, seed.options);
  } catch (error) {
    const ms = performance.now() - started;
    const detail =
      error instanceof NupkgSigningError
        ? `threw ${error.code}: ${error.message}`
        : `threw ${(error as Error)?.stack ?? String(error)}`;
    return { kind: 'crash', ms, detail };
  }
  const ms = performance.now() - started;
  if (ms > TIME_LIMIT_MS) return { kind: 'hang', ms, detail: `took ${Math.round(ms)} ms` };
  const badCode = result.issues.find((i) => !CODE_PATTERN.test(i.code));
  if (badCode) return { kind: 'uncoded', ms, detail: `issue code '${badCode.code}'` };
  if (!result.valid && !result.issues.some((i) => i.level === 'error')) {
    return { kind: 'uncoded', ms, detail: 'invalid without an error-level issue' };
  }
  const reason = falseAcceptReason(seed.fingerprint, signedFingerprint(bytes, seed.hashAlgorithm), {
    timestampRequired: seed.timestampRequired,
    signerCertificate: seed.signerCertificate,
  });
  if (result.valid && reason) return { kind: 'false-accept', ms, detail: reason };
  return { kind: 'ok', valid: result.valid, ms, unchanged: reason === undefined };
}
