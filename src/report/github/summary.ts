import type { SignOutcome } from '../../sign/sign-outcome.js';
import type { SignatureSummary } from '../../verify/signature-summary.js';
import type { PackageVerification } from '../../verify/verify-package.js';
import { markdownText } from '../escape.js';

/** What the job summary reports: the run's results and the verdict the step gave. */
export interface SummaryInput {
  readonly mode: string;
  readonly verifications: readonly PackageVerification[];
  readonly signing: readonly SignOutcome[];
  /** One sentence, e.g. "2 of 5 packages are not valid; the step failed (fail-on: error)." */
  readonly verdict: string;
}

/**
 * The job summary as GitHub-flavoured Markdown: a verdict line, then a table per part of the run
 * with every issue in full (annotations stop at ten per type; the summary never does). Every value
 * from a package, a certificate, a file name or a message goes through `escape` (markdownText), so
 * none can leave its cell or become Markdown or HTML; the rest is this module's own vocabulary.
 */
export function renderSummary(input: SummaryInput): string {
  const parts = [`## nupkg-signing (${input.mode})`, '', input.verdict, ''];
  if (input.signing.length > 0) parts.push('### Signing', '', signingTable(input.signing), '');
  if (input.verifications.length > 0)
    parts.push('### Verification', '', verificationTable(input.verifications), '');
  return `${parts.join('\n')}\n`;
}

function signingTable(outcomes: readonly SignOutcome[]): string {
  const rows = outcomes.map((o) => [
    packageCell(o.file),
    o.signed ? 'signed' : '**not signed**',
    o.certificateFingerprint ? code(o.certificateFingerprint) : '—',
    o.timestampTime ?? 'none',
    issuesCell([...(o.error ? [{ ...o.error, level: 'error' as const }] : []), ...o.warnings]),
  ]);
  return table(['Package', 'Result', 'Certificate SHA-256', 'Timestamp', 'Issues'], rows);
}

function verificationTable(results: readonly PackageVerification[]): string {
  const rows = results.map((r) => {
    const signatures = r.signatures ?? [];
    return [
      packageCell(r.file, r.package),
      r.signature + (r.countersigned ? ' + repository countersignature' : ''),
      signatures.map(signerCell).join('<br>') || '—',
      signatures.map((s) => s.timestamp?.time ?? 'none').join('<br>') || '—',
      r.valid ? '✅ valid' : '❌ **invalid**',
      issuesCell(r.issues),
    ];
  });
  return table(['Package', 'Signature', 'Signer', 'Timestamp', 'Verdict', 'Issues'], rows);
}

function packageCell(file: string, identity?: { id: string; version: string }): string {
  return code(file) + (identity ? `<br>${escape(`${identity.id} ${identity.version}`)}` : '');
}

function signerCell(signature: SignatureSummary): string {
  const who = commonName(signature.signer.subject);
  const role = signature.placement === 'countersignature' ? ' (countersignature)' : '';
  return `${escape(who)}${role}<br>${code(signature.signer.fingerprintSha256)}`;
}

function issuesCell(issues: readonly { code: string; level: string; message: string }[]): string {
  if (issues.length === 0) return '—';
  return issues.map((i) => `**${i.code}** ${i.level}: ${escape(i.message)}`).join('<br>');
}

/** The CN of a distinguished name as .NET prints it, else the whole name. */
function commonName(subject: string): string {
  const match = /(?:^|,\s*)CN=("(?:[^"]|"")*"|[^,]*)/.exec(subject);
  return match?.[1]?.replace(/^"|"$/g, '') ?? subject;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function code(text: string): string {
  return `<code>${escape(text)}</code>`;
}

/** Keeps a value inside its table cell, out of Markdown syntax and out of HTML. */
function escape(text: string): string {
  return markdownText(text);
}
