import type { SignOutcome } from '../../sign/sign-outcome.js';
import type { SignatureSummary } from '../../verify/signature-summary.js';
import type { PackageVerification } from '../../verify/verify-package.js';
import type { IssueSignature, SignatureKind } from '../../issues.js';
import { markdownText } from '../escape.js';
import { commonName, signatureName } from '../names.js';
import { isOfflineRevocationNote } from '../offline-revocation.js';
import { renderChainDiagrams } from './chain-diagrams.js';

/** What the job summary reports: the run's results and the verdict the step gave. */
export interface SummaryInput {
  readonly mode: string;
  readonly verifications: readonly PackageVerification[];
  readonly signing: readonly SignOutcome[];
  /** One sentence, e.g. "2 of 5 packages are not valid; the step failed (fail-on: error)." */
  readonly verdict: string;
}

/**
 * The job summary as GitHub-flavoured Markdown: a verdict line, then a table per part of the run,
 * failures first, with the policy that decided and every issue in full, named by the signature
 * it is about (annotations stop at ten per type; the summary never does); then a Mermaid diagram
 * of each distinct signing chain (chain-diagrams.ts). Every value
 * from a package, a certificate, a file name or a message goes through `escape` (markdownText), so
 * none can leave its cell or become Markdown or HTML; the rest is this module's own vocabulary.
 */
export function renderSummary(input: SummaryInput): string {
  const parts = [`## nupkg-signing (${input.mode})`, '', input.verdict, ''];
  if (input.signing.length > 0) parts.push('### Signing', '', signingTable(input.signing), '');
  if (input.verifications.length > 0) {
    parts.push('### Verification', '', verificationTable(input.verifications), '');
    const offline = input.verifications.filter((r) => r.issues.some(isOfflineRevocationNote));
    if (offline.length > 0) {
      parts.push(
        `Revocation was not checked for ${offline.length} package(s): revocation checking is offline (NUGET_CERT_REVOCATION_MODE=offline or revocation-mode: offline). Each signature's note is in the JSON results (\`--json\`, or the action's results file).`,
        '',
      );
    }
  }
  const diagrams = renderChainDiagrams(input.verifications);
  if (diagrams) parts.push('### Signing chains', '', diagrams);
  return `${parts.join('\n')}\n`;
}

/** Failures first, each group in the run's order. */
function failuresFirst<T>(items: readonly T[], failed: (item: T) => boolean): T[] {
  return [...items.filter(failed), ...items.filter((item) => !failed(item))];
}

function signingTable(outcomes: readonly SignOutcome[]): string {
  const rows = failuresFirst(outcomes, (o) => !o.signed).map((o) => [
    packageCell(o.file),
    o.signed ? 'signed' : '**not signed**',
    o.certificateFingerprint ? code(o.certificateFingerprint) : '—',
    o.timestampTime ?? 'none',
    issuesCell([...(o.error ? [{ ...o.error, level: 'error' as const }] : []), ...o.warnings]),
  ]);
  return table(['Package', 'Result', 'Certificate SHA-256', 'Timestamp', 'Issues'], rows);
}

function verificationTable(results: readonly PackageVerification[]): string {
  const rows = failuresFirst(results, (r) => !r.valid).map((r) => {
    const signatures = r.signatures ?? [];
    return [
      packageCell(r.file, r.package),
      r.signature + (r.countersigned ? ' + repository countersignature' : ''),
      signatures.map(signerCell).join('<br>') || '—',
      signatures.map((s) => s.timestamp?.time ?? 'none').join('<br>') || '—',
      r.valid ? '✅ valid' : '❌ **invalid**',
      policyCell(r),
      issuesCell(
        r.issues.filter((found) => !isOfflineRevocationNote(found)),
        r.signature,
      ),
    ];
  });
  return table(
    ['Package', 'Signature', 'Signer', 'Timestamp', 'Verdict', 'Policy', 'Issues'],
    rows,
  );
}

/** Which policy decided: the preset, the signer policy file and the rule of it that decided. */
function policyCell(result: PackageVerification): string {
  const parts = [
    ...(result.policy === undefined ? [] : [escape(result.policy)]),
    ...(result.policyFile === undefined ? [] : [code(result.policyFile)]),
    ...(result.signerPolicy === undefined ? [] : [escape(result.signerPolicy)]),
  ];
  return parts.join('<br>') || '—';
}

function packageCell(file: string, identity?: { id: string; version: string }): string {
  return code(file) + (identity ? `<br>${escape(`${identity.id} ${identity.version}`)}` : '');
}

function signerCell(signature: SignatureSummary): string {
  const who = commonName(signature.signer.subject);
  const role = signature.placement === 'countersignature' ? ' (countersignature)' : '';
  const validity = signature.validity ? `<br>${escape(signature.validity)}` : '';
  return `${escape(who)}${role}<br>${code(signature.signer.fingerprintSha256)}${validity}`;
}

/** Each issue with its code and level, and the signature it is about when it is about one. */
function issuesCell(
  issues: readonly { code: string; level: string; message: string; signature?: IssueSignature }[],
  kind: SignatureKind = 'unknown',
): string {
  if (issues.length === 0) return '—';
  return issues
    .map((i) => {
      const about = i.signature ? ` (${signatureName(i.signature, kind)})` : '';
      return `**${i.code}** ${i.level}${about}: ${escape(i.message)}`;
    })
    .join('<br>');
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
