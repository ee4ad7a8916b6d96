import type { IssueSignature, SignatureKind } from '../issues.js';

/** A short name for a signature of a package, e.g. "primary (author) signature". */
export function signatureName(signature: IssueSignature, kind: SignatureKind): string {
  const primary =
    kind === 'author' || kind === 'repository'
      ? `primary (${kind}) signature`
      : 'primary signature';
  switch (signature) {
    case 'primary':
      return primary;
    case 'primary-timestamp':
      return `timestamp of the ${primary}`;
    case 'countersignature':
      return 'repository countersignature';
    case 'countersignature-timestamp':
      return 'timestamp of the repository countersignature';
  }
}

/** The order reports list signatures in. */
export const SIGNATURE_ORDER: readonly IssueSignature[] = [
  'primary',
  'primary-timestamp',
  'countersignature',
  'countersignature-timestamp',
];

/** The CN of a distinguished name as .NET prints it, else the whole name. */
export function commonName(subject: string): string {
  const match = /(?:^|,\s*)CN=("(?:[^"]|"")*"|[^,]*)/.exec(subject);
  return match?.[1]?.replace(/^"|"$/g, '') ?? subject;
}
