import type { ErrorCode } from './codes.js';

export type Level = 'error' | 'warning' | 'info';

/**
 * The signature an issue concerns: the primary signature, the repository countersignature, or
 * the timestamp of either. Absent: the package as a whole (integrity, signer policies, reading).
 */
export type IssueSignature =
  'primary' | 'primary-timestamp' | 'countersignature' | 'countersignature-timestamp';

/** One finding about a package, with NuGet's code so users can search it. */
export interface Issue {
  readonly code: ErrorCode;
  readonly level: Level;
  readonly message: string;
  /** Which signature the finding is about, set by the step that examined it (`--json`: additive). */
  readonly signature?: IssueSignature;
}

/**
 * The one spelling of a signature's type: what its commitment-type-indication says
 * (nuget-signing-spec.md §4.1); `unknown` when it has none NuGet recognises.
 */
export type SignatureType = 'author' | 'repository' | 'unknown';

/** A type a signature can be made with, or trusted by (nuget.config `trustedSigners`). */
export type KnownSignatureType = Exclude<SignatureType, 'unknown'>;

/** A package's signature as results report it. */
export type SignatureKind = 'unsigned' | SignatureType;

/**
 * The result for one package. This is the `--json` contract: later work adds fields, never renames
 * these.
 */
export interface PackageResult {
  readonly file: string;
  readonly valid: boolean;
  readonly signature: SignatureKind;
  readonly countersigned: boolean;
  readonly issues: readonly Issue[];
}

export function issue(code: ErrorCode, level: Level, message: string): Issue {
  return { code, level, message };
}

/** The issues, each marked as concerning `signature`. */
export function aboutSignature(issues: readonly Issue[], signature: IssueSignature): Issue[] {
  return issues.map((found) => ({ ...found, signature }));
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.level === 'error');
}
