import type { SignOutcome } from '../../sign/sign-outcome.js';
import type { Level } from '../../issues.js';
import type { PackageVerification } from '../../verify/verify-package.js';
import { signatureName } from '../names.js';

/** One issue about one package, from verification or signing: what every GitHub report shows. */
export interface Finding {
  /** The package path as the run reported it. */
  readonly file: string;
  readonly code: string;
  readonly level: Level;
  readonly message: string;
  /** The signature the issue is about, by name ("timestamp of the primary (author) signature"). */
  readonly signature?: string;
}

/** A finding's message, led by the signature it is about where a report has no title for it. */
export function findingText(finding: Finding): string {
  return finding.signature === undefined
    ? finding.message
    : `${finding.signature}: ${finding.message}`;
}

/** The title a finding is shown under: its code, and the signature it is about. */
export function findingTitle(finding: Finding): string {
  return finding.signature === undefined ? finding.code : `${finding.code} (${finding.signature})`;
}

const SEVERITY: Readonly<Record<Level, number>> = { error: 0, warning: 1, info: 2 };

/**
 * The findings of a run worth an annotation, a SARIF result and a check-run annotation: errors
 * first, then warnings, grouped by package within a level. GitHub shows only the first ten
 * annotations of each type per step, so this order puts the ones that decide the verdict where a
 * reader sees them. Information-level notes (an unsigned package the policy allows, revocation not
 * checked offline) stay in the job summary and the results file, not in these channels.
 */
export function collectFindings(
  verifications: readonly PackageVerification[],
  signing: readonly SignOutcome[] = [],
): Finding[] {
  const findings: Finding[] = [];
  for (const outcome of signing) {
    for (const warning of outcome.warnings) findings.push({ file: outcome.file, ...warning });
    if (outcome.error) findings.push({ file: outcome.file, level: 'error', ...outcome.error });
  }
  for (const result of verifications) {
    for (const { signature, ...issue } of result.issues) {
      if (issue.level === 'info') continue;
      findings.push({
        file: result.file,
        ...issue,
        ...(signature === undefined
          ? {}
          : { signature: signatureName(signature, result.signature) }),
      });
    }
  }
  // Array.prototype.sort is stable: the run's own order stays within a level and package.
  return findings.sort((a, b) => SEVERITY[a.level] - SEVERITY[b.level] || compare(a.file, b.file));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
