import { posix, win32 } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sarifText } from '../escape.js';
import { codeTitle, type ErrorCode } from '../../codes.js';
import { findingText, type Finding } from './findings.js';
import { workspacePath } from './paths.js';

/** SARIF 2.1.0 (OASIS), the format GitHub code scanning reads. */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const NUGET_CODES_URI = 'https://learn.microsoft.com/nuget/reference/errors-and-warnings/';

export interface SarifOptions {
  readonly version: string;
  readonly workspace: string;
  readonly cwd: string;
  /** Whose path rules apply (default: the running platform). */
  readonly platform?: NodeJS.Platform;
}

/**
 * A SARIF log with one run: one rule per code that occurs (titled with `codeTitle`), one result
 * per finding, located at the package file relative to the repository root (`%SRCROOT%`).
 */
export function renderSarif(findings: readonly Finding[], options: SarifOptions): object {
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'nupkg-signing',
            version: options.version,
            rules: codes.map(rule),
          },
        },
        results: findings.map((finding) => ({
          ruleId: finding.code,
          ruleIndex: codes.indexOf(finding.code),
          level: finding.level === 'info' ? 'note' : finding.level,
          message: { text: sarifText(findingText(finding)) },
          locations: [location(finding.file, options)],
        })),
      },
    ],
  };
}

function rule(code: string): object {
  const title = codeTitle(code as ErrorCode);
  return {
    id: code,
    name: title.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => c?.toUpperCase() ?? ''),
    shortDescription: { text: title },
    // NuGet documents its NU codes; ours (NUPKG*) are in the README's Codes table.
    ...(code.startsWith('NU3') || code.startsWith('NU5') ? { helpUri: NUGET_CODES_URI } : {}),
  };
}

function location(file: string, options: SarifOptions): object {
  const platform = options.platform ?? process.platform;
  const path = workspacePath(file, options.workspace, options.cwd, platform);
  const isAbsolute = (platform === 'win32' ? win32 : posix).isAbsolute(path);
  const artifactLocation = isAbsolute
    ? { uri: pathToFileURL(path, { windows: platform === 'win32' }).href }
    : { uri: relativeUri(path), uriBaseId: '%SRCROOT%' };
  return { physicalLocation: { artifactLocation } };
}

/**
 * A relative URI reference for a `/`-separated path: each segment percent-encoded on its own, so
 * `#`, `?`, `%` and `:` in a file name stay part of the name (encodeURI keeps `#` and `?`, which
 * would end the path there). A lone UTF-16 surrogate (possible in Windows names) becomes U+FFFD,
 * as encodeURIComponent cannot encode it.
 */
export function relativeUri(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment.replace(/\p{Cs}/gu, '\uFFFD')))
    .join('/');
}
