import type { ChainCertificate, SignatureSummary } from '../../verify/signature-summary.js';
import type { PackageVerification } from '../../verify/verify-package.js';
import { markdownText } from '../escape.js';
import { commonName, signatureName } from '../names.js';

/** At most this many diagrams; a run of many packages signed alike draws one or two. */
export const MAX_DIAGRAMS = 20;
/** At most this many certificates per diagram (a built chain is far shorter). */
const MAX_NODES = 12;
/** A node's name is cut to this many characters before it is escaped. */
export const MAX_LABEL = 64;
/** At most this many packages named under a diagram. */
const MAX_PACKAGES = 5;

interface DistinctChain {
  readonly chain: readonly ChainCertificate[];
  readonly roles: Set<string>;
  readonly packages: string[];
}

/**
 * One Mermaid flowchart per distinct certificate chain of the run (signer → intermediates →
 * root), for the primary signature, the repository countersignature and the timestamp of each;
 * chains are told apart by their certificates' SHA-256 fingerprints. Certificate names are
 * hostile: each node label is cut to MAX_LABEL characters and written with every character
 * outside a small safe set as a Mermaid entity code (`#34;`), inside quotes, on the node's own
 * line, so no name can close its label, add a node, an edge, a comment, a click directive or
 * HTML, or end the fenced block. The text around the diagrams goes through markdownText.
 */
export function renderChainDiagrams(results: readonly PackageVerification[]): string {
  const chains = distinctChains(results);
  if (chains.length === 0) return '';
  const parts: string[] = [];
  chains.slice(0, MAX_DIAGRAMS).forEach((found, index) => {
    const named = found.packages
      .slice(0, MAX_PACKAGES)
      .map((file) => `<code>${markdownText(file)}</code>`);
    const more = found.packages.length - named.length;
    parts.push(
      `**Chain ${index + 1}**: ${[...found.roles].join(', ')} of ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
      '',
      '```mermaid',
      ...flowchart(found.chain),
      '```',
      '',
    );
  });
  if (chains.length > MAX_DIAGRAMS) {
    parts.push(`${chains.length - MAX_DIAGRAMS} more distinct chains are not drawn.`, '');
  }
  return parts.join('\n');
}

function distinctChains(results: readonly PackageVerification[]): DistinctChain[] {
  const byKey = new Map<string, DistinctChain>();
  const add = (chain: readonly ChainCertificate[] | undefined, role: string, file: string) => {
    if (!chain || chain.length === 0) return;
    const key = chain.map((c) => c.fingerprintSha256).join(' ');
    const known = byKey.get(key) ?? { chain, roles: new Set<string>(), packages: [] };
    byKey.set(key, known);
    known.roles.add(role);
    if (!known.packages.includes(file)) known.packages.push(file);
  };
  for (const result of results) {
    for (const signature of result.signatures ?? []) {
      const role = roleOf(signature);
      add(signature.chain, role, result.file);
      add(signature.timestamp?.chain, `timestamp of the ${role}`, result.file);
    }
  }
  return [...byKey.values()];
}

function roleOf(signature: SignatureSummary): string {
  return signature.placement === 'countersignature'
    ? signatureName('countersignature', 'repository')
    : signatureName('primary', signature.type);
}

/** The diagram's lines: one node per certificate, then one edge per issuer step. */
function flowchart(chain: readonly ChainCertificate[]): string[] {
  const shown = chain.slice(0, MAX_NODES);
  const lines = ['flowchart LR'];
  shown.forEach((certificate, index) => {
    const position = index === 0 ? 'signer' : index === chain.length - 1 ? 'root' : 'intermediate';
    const label = `${mermaidText(commonName(certificate.subject))}<br>${position}, SHA-256 ${mermaidText(certificate.fingerprintSha256.slice(0, 16))}…`;
    lines.push(`  c${index}["${label}"]`);
  });
  for (let index = 1; index < shown.length; index++) lines.push(`  c${index - 1} --> c${index}`);
  return lines;
}

/**
 * Characters a label keeps as they are; everything else becomes a Mermaid entity code. Not ':'
 * either: Mermaid rewrites any line matching `style…:…#…;` or `classDef…:…#…;` before parsing.
 */
const SAFE = /[A-Za-z0-9 ,.=_/()+-]/;

/**
 * A certificate's text as the inside of a quoted Mermaid label: at most MAX_LABEL characters
 * (code points), every character outside SAFE written as `#NNN;` (Mermaid's decimal entity code),
 * so quotes, brackets, `#`, `;`, `%`, `<`, `>`, backticks and line breaks cannot appear raw.
 */
export function mermaidText(text: string): string {
  const points = [...text];
  const cut = points.length > MAX_LABEL ? [...points.slice(0, MAX_LABEL - 1), '…'] : points;
  return cut.map((c) => (SAFE.test(c) ? c : `#${c.codePointAt(0) ?? 0};`)).join('');
}
