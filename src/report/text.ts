import type { ExpansionSummary } from '../files/expand-packages.js';
import type { Issue, SignatureKind } from '../issues.js';
import type { SignatureSummary } from '../verify/signature-summary.js';
import type { PackageVerification } from '../verify/verify-package.js';
import { logLine } from './escape.js';
import { describeExpansion } from './expansion.js';
import { commonName, SIGNATURE_ORDER, signatureName } from './names.js';
import { isOfflineRevocationNote } from './offline-revocation.js';

const MARK: Record<Issue['level'], string> = { error: 'error', warning: 'warn ', info: 'info ' };

export interface TextOptions {
  /** Only the packages that fail, with their errors and warnings, and the total line. */
  readonly quiet?: boolean;
  /** Every note, one offline-revocation note per chain included; signers in full. */
  readonly verbose?: boolean;
  /** ANSI colours on the verdicts and levels (the CLI decides: a terminal, NO_COLOR, FORCE_COLOR). */
  readonly color?: boolean;
  /** What expanding the FILE|DIR|GLOB arguments considered, said on the total line. */
  readonly expansion?: ExpansionSummary;
  /** The nuget.config files applied (closest first), said in one line; undefined: no line. */
  readonly nugetConfigFiles?: readonly string[];
}

const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', reset: '\x1b[0m' };
const PAINT: readonly (readonly [string, string])[] = [
  ['FAIL', ANSI.red],
  ['PASS', ANSI.green],
  [`  ${MARK.error}`, ANSI.red],
  [`  ${MARK.warning}`, ANSI.yellow],
];

/**
 * Human-readable lines for a terminal or a CI log: failures first; per package the verdict, who
 * signed it and when (and the certificate's validity where it decides), which policy rule
 * decided, then every finding with its code, those about one signature under a heading naming
 * it; the lines this module writes fit 80 columns (values are as long as they are); one footer line
 * for the chains whose revocation was not checked offline (each is listed with --verbose); a
 * summary line at the end that also says how many files the arguments' expansion considered and
 * matched. Each line goes through `logLine`: values from packages, certificates
 * and file names cannot start a new line or a CI command. Colour is added after escaping, only
 * around this module's own words.
 */
export function renderText(
  results: readonly PackageVerification[],
  options: TextOptions = {},
): string {
  const lines: string[] = [];
  const ordered = [...results.filter((r) => !r.valid), ...results.filter((r) => r.valid)];
  let offline = 0;
  for (const result of ordered) {
    if (options.quiet && result.valid) continue;
    const name = result.package ? ` ${result.package.id} ${result.package.version}` : '';
    lines.push(
      `${result.valid ? 'PASS' : 'FAIL'} ${result.file}${name}  (${describeSignature(result)})`,
    );
    if (!options.quiet) {
      for (const signature of result.signatures ?? [])
        lines.push(...signerLines(signature, options));
      if (result.signerPolicy) lines.push(`  policy: ${result.signerPolicy}`);
    }
    const folded = options.verbose ? [] : result.issues.filter(isOfflineRevocationNote);
    if (folded.length > 0) offline++;
    const shown = result.issues.filter(
      (found) => !folded.includes(found) && !(options.quiet && found.level === 'info'),
    );
    lines.push(...issueLines(shown, result.signature));
  }
  const failed = results.filter((r) => !r.valid).length;
  if (offline > 0 && !options.quiet) {
    lines.push(
      '',
      // At most 80 columns up to 99,999 packages; the NU3018/NU3028 lines say the rest. Indented
      // like every line that is not a verdict or the total.
      `  note: revocation not checked (offline) for ${offline} package(s); see --verbose`,
    );
  }
  if (options.nugetConfigFiles && !options.quiet) {
    const files = options.nugetConfigFiles;
    lines.push(`  nuget.config: ${files.length > 0 ? files.join(', ') : 'none found'}`);
  }
  const searched = options.expansion ? ` (${describeExpansion(options.expansion)})` : '';
  lines.push('', `${results.length - failed} valid, ${failed} invalid${searched}`);
  return `${lines.map((line) => paint(logLine(line), options.color === true)).join('\n')}\n`;
}

/**
 * Who signed and when, in one line: the signer's CN and the timestamp's date, which fit 80
 * columns for common names; with --verbose the whole subject, the SHA-256 fingerprint and the
 * timestamp to the second. Under it, where the certificate's validity decides, the phrase that
 * says how.
 */
function signerLines(signature: SignatureSummary, options: TextOptions): string[] {
  const { signer, timestamp } = signature;
  const who = options.verbose
    ? `${signer.subject} [SHA-256 ${signer.fingerprintSha256}]`
    : commonName(signer.subject);
  const time = timestamp && (options.verbose ? timestamp.time : timestamp.time.slice(0, 10));
  const when = time ? `timestamped ${time}` : 'no valid timestamp';
  const line = `  ${signature.placement} ${signature.type}: ${who}, ${when}`;
  return signature.validity ? [line, `    ${signature.validity}`] : [line];
}

/**
 * The issues of one package: those about the package as a whole first, indented like the other
 * detail lines; then those of each signature under a heading line naming it, one step deeper.
 */
function issueLines(issues: readonly Issue[], kind: SignatureKind): string[] {
  const line = (found: Issue, indent: string) =>
    `${indent}${MARK[found.level]} ${found.code}: ${found.message}`;
  const lines = issues.filter((i) => i.signature === undefined).map((i) => line(i, '  '));
  for (const signature of SIGNATURE_ORDER) {
    const own = issues.filter((i) => i.signature === signature);
    if (own.length === 0) continue;
    lines.push(`  ${signatureName(signature, kind)}:`, ...own.map((i) => line(i, '    ')));
  }
  return lines;
}

function paint(line: string, color: boolean): string {
  if (!color) return line;
  // Issues under a signature heading are indented two more columns; they are painted alike.
  const deeper = line.startsWith('    ') ? '  ' : '';
  const rest = line.slice(deeper.length);
  for (const [prefix, code] of PAINT) {
    if (rest.startsWith(prefix))
      return `${deeper}${code}${prefix}${ANSI.reset}${rest.slice(prefix.length)}`;
  }
  return line;
}

function describeSignature(result: PackageVerification): string {
  if (result.signature === 'unsigned') return 'unsigned';
  const kind =
    result.signature === 'unknown'
      ? (result.unreadable ?? 'unreadable signature')
      : `${result.signature} signed`;
  return result.countersigned ? `${kind}, repository countersigned` : kind;
}
