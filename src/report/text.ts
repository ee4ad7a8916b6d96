import type { Issue, PackageResult } from '../verify/result.js';

const MARK: Record<Issue['level'], string> = { error: 'error', warning: 'warn ', info: 'info ' };

/** Human-readable lines for a terminal or a CI log: one block per package, then a summary. */
export function renderText(results: readonly PackageResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.valid ? 'PASS' : 'FAIL'} ${result.file}  (${describeSignature(result)})`);
    for (const found of result.issues)
      lines.push(`  ${MARK[found.level]} ${found.code}: ${found.message}`);
  }
  const failed = results.filter((r) => !r.valid).length;
  lines.push('', `${results.length - failed} valid, ${failed} invalid`);
  return `${lines.join('\n')}\n`;
}

function describeSignature(result: PackageResult): string {
  if (result.signature === 'unsigned') return 'unsigned';
  const kind =
    result.signature === 'unknown' ? 'unreadable signature' : `${result.signature} signed`;
  return result.countersigned ? `${kind}, repository countersigned` : kind;
}
