import type { PackageResult } from '../verify/result.js';
import { jsonText } from './escape.js';

/**
 * The `--json` document: `{ "results": [...] }`, stable field names (see README). It parses to
 * exactly the results; `jsonText` only writes log-active characters as `\\u` escapes.
 */
export function renderJson(results: readonly PackageResult[]): string {
  return jsonText({ results });
}
