import type { ExpansionSummary } from '../files/expand-packages.js';
import type { PackageResult } from '../issues.js';
import { jsonText } from './escape.js';
import { searchDocument } from './expansion.js';

/**
 * The `--json` document: `{ "results": [...] }`, stable field names (see README), and `search`
 * (what expanding FILE|DIR|GLOB considered) when the run has one. It parses to exactly these
 * values; `jsonText` only writes log-active characters as `\\u` escapes.
 */
export function renderJson(
  results: readonly PackageResult[],
  expansion?: ExpansionSummary,
  nugetConfigFiles?: readonly string[],
): string {
  const document = {
    results,
    ...(expansion && { search: searchDocument(expansion) }),
    // The nuget.config files whose trust settings applied, closest first (none: discovery found none).
    ...(nugetConfigFiles && { nugetConfig: { files: nugetConfigFiles } }),
  };
  return jsonText(document);
}
