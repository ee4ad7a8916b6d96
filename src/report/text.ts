import type { ExpansionSummary } from '../files/expand-packages.js';
import type { Issue } from '../verify/result.js';
import type { PackageVerification } from '../verify/verify-package.js';
import { logLines } from './escape.js';
import { describeExpansion } from './expansion.js';

const MARK: Record<Issue['level'], string> = { error: 'error', warning: 'warn ', info: 'info ' };

/**
 * Human-readable lines for a terminal or a CI log: per package the verdict, who signed it and
 * when, which policy rule decided, then every finding with its code; a summary line at the end
 * that also says how many files the arguments' expansion considered and matched. Each line goes
 * through `logLines`: values from packages, certificates and file names cannot start a new line
 * or a CI command.
 */
export function renderText(
  results: readonly PackageVerification[],
  expansion?: ExpansionSummary,
): string {
  const lines: string[] = [];
  for (const result of results) {
    const name = result.package ? ` ${result.package.id} ${result.package.version}` : '';
    lines.push(
      `${result.valid ? 'PASS' : 'FAIL'} ${result.file}${name}  (${describeSignature(result)})`,
    );
    for (const signature of result.signatures ?? []) {
      const when = signature.timestamp
        ? `, timestamped ${signature.timestamp.time}`
        : ', no valid timestamp';
      lines.push(
        `  ${signature.placement} ${signature.type}: ${signature.signer.subject} [SHA-256 ${signature.signer.fingerprintSha256}]${when}`,
      );
    }
    if (result.signerPolicy) lines.push(`  policy: ${result.signerPolicy}`);
    for (const found of result.issues)
      lines.push(`  ${MARK[found.level]} ${found.code}: ${found.message}`);
  }
  const failed = results.filter((r) => !r.valid).length;
  const searched = expansion ? ` (${describeExpansion(expansion)})` : '';
  lines.push('', `${results.length - failed} valid, ${failed} invalid${searched}`);
  return logLines(lines);
}

function describeSignature(result: PackageVerification): string {
  if (result.signature === 'unsigned') return 'unsigned';
  const kind =
    result.signature === 'unknown' ? 'unreadable signature' : `${result.signature} signed`;
  return result.countersigned ? `${kind}, repository countersigned` : kind;
}
