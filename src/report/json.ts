import type { PackageResult } from '../verify/result.js';

/** The `--json` document: `{ "results": [...] }`, stable field names (see README). */
export function renderJson(results: readonly PackageResult[]): string {
  return `${JSON.stringify({ results }, null, 2)}\n`;
}
