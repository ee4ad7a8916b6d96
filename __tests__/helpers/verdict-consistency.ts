/**
 * A result must never contradict itself: `valid: true` with an error-level issue is a bug whatever
 * the verdict should have been (issue 13). Every verdict suite calls this on every result it sees.
 */
export function expectConsistentVerdict(result: {
  readonly file?: string;
  readonly valid: boolean;
  readonly issues: readonly { readonly code: string; readonly level: string }[];
}): void {
  const errors = result.issues.filter((i) => i.level === 'error').map((i) => i.code);
  if (result.valid && errors.length > 0) {
    throw new Error(
      `${result.file ?? 'a package'} is valid with error-level issues ${errors.join(', ')}: a result must not contradict itself`,
    );
  }
}
