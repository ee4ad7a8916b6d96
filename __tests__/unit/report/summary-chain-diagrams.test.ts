import MarkdownIt from 'markdown-it';
import { MAX_DIAGRAMS, MAX_LABEL } from '../../../src/report/github/chain-diagrams.js';
import { renderSummary } from '../../../src/report/github/summary.js';
import type { ChainCertificate } from '../../../src/verify/signature-summary.js';
import type { PackageVerification } from '../../../src/verify/verify-package.js';
import {
  parseFlowcharts,
  shownText as shown,
  type ParsedFlowchart,
} from '../../helpers/mermaid.js';

/**
 * The job summary's Mermaid diagrams of the signing chains, read back the way GitHub reads them:
 * markdown-it finds the ```mermaid fenced blocks, and Mermaid's own flowchart parser (in a jsdom
 * window, as it needs a DOM for its sanitiser) turns each into nodes and edges. Certificate
 * subjects are the attacker's: none may close its label, add a node, an edge, a click directive,
 * a comment or configuration, HTML, or end the block.
 */
const markdown = new MarkdownIt({ html: true, linkify: true });

function certificate(subject: string, fingerprint: string): ChainCertificate {
  return { subject, fingerprintSha256: fingerprint.repeat(64 / fingerprint.length) };
}

const ROOT = certificate('CN=Contoso Root, O=Contoso', 'C0');
const INTERMEDIATE = certificate('CN=Contoso Code Signing CA', 'B0');
const TSA_ROOT = certificate('CN=TSA Root', 'E0');
const TSA = certificate('CN=Contoso TSA', 'D0');

function signed(
  file: string,
  signer: ChainCertificate,
  options: { valid?: boolean; tsa?: readonly ChainCertificate[]; counter?: boolean } = {},
): PackageVerification {
  const chain = [signer, INTERMEDIATE, ROOT];
  const summary = (placement: 'primary' | 'countersignature', leaf: ChainCertificate) => ({
    placement,
    type: placement === 'primary' ? ('author' as const) : ('repository' as const),
    signer: {
      subject: leaf.subject,
      fingerprintSha256: leaf.fingerprintSha256,
      issuer: INTERMEDIATE.subject,
      notBefore: '2020-01-01T00:00:00.000Z',
      notAfter: '2045-01-01T00:00:00.000Z',
    },
    chain: [leaf, INTERMEDIATE, ROOT],
    timestamp: {
      time: '2024-01-01T00:00:00.000Z',
      tsaSubject: TSA.subject,
      chain: options.tsa ?? [TSA, TSA_ROOT],
    },
  });
  return {
    file,
    valid: options.valid ?? true,
    signature: 'author',
    countersigned: options.counter === true,
    policy: 'verify',
    issues: [],
    signatures: [
      summary('primary', chain[0] as ChainCertificate),
      ...(options.counter ? [summary('countersignature', certificate('CN=Repo', 'F0'))] : []),
    ],
  };
}

function summaryOf(results: readonly PackageVerification[]): string {
  return renderSummary({ mode: 'verify', verifications: results, signing: [], verdict: 'x.' });
}

/** The ```mermaid blocks GitHub would draw, and the text outside them. */
function diagramsOf(source: string): string[] {
  return markdown
    .parse(source, {})
    .filter((token) => token.type === 'fence' && token.info.trim() === 'mermaid')
    .map((token) => token.content);
}

describe('job summary signing-chain diagrams', () => {
  it('draws each distinct chain once: signer → intermediate → root, and the timestamp chain', () => {
    const source = summaryOf([
      signed('a.nupkg', certificate('CN=Alice', 'A0')),
      signed('b.nupkg', certificate('CN=Alice', 'A0')),
      signed('c.nupkg', certificate('CN=Bob', 'A1')),
    ]);
    const diagrams = diagramsOf(source);
    // Alice's chain, the TSA chain (shared by all three), Bob's chain.
    expect(diagrams).toHaveLength(3);
    const parsed = parseFlowcharts(diagrams);
    expect(parsed.map((p) => [p.vertices.length, p.edges.length])).toEqual([
      [3, 2],
      [2, 1],
      [3, 2],
    ]);
    expect(parsed[0]?.edges.map((e) => `${e.start}>${e.end}`)).toEqual(['c0>c1', 'c1>c2']);
    expect(parsed[0]?.vertices.map((v) => shown(v.text).split('<br>')[0])).toEqual([
      'Alice',
      'Contoso Code Signing CA',
      'Contoso Root',
    ]);
    expect(source).toContain(
      '**Chain 2**: timestamp of the primary (author) signature of <code>a.nupkg</code>, <code>b.nupkg</code>, <code>c.nupkg</code>',
    );
  });

  it('draws the repository countersignature chain too', () => {
    const diagrams = diagramsOf(
      summaryOf([signed('a.nupkg', certificate('CN=A', 'A0'), { counter: true })]),
    );
    // Author chain, TSA chain (shared by both signatures), repository chain.
    expect(diagrams).toHaveLength(3);
  });

  /** [what the subject tries, the subject]. */
  const hostile: readonly (readonly [string, string])[] = [
    ['closing its label and adding a node', 'CN=a"] --> evil["x'],
    ['a bracket and an edge', 'CN=a] --> b[c'],
    ['a click directive on a new line', 'CN=x\nclick c0 "javascript:alert(1)"'],
    ['a click directive after its label', 'CN=x"]\n  click c0 call alert()\n  c9["y'],
    ['an init directive', 'CN=%%{init: {"securityLevel": "loose"}}%%'],
    ['a comment', 'CN=%% comment'],
    ['ending the fenced block', 'CN=```\n# Heading\n```'],
    ['backticks', 'CN=`a` ``` b'],
    ['HTML', 'CN=<img src=x onerror=alert(1)><script>alert(1)</script>'],
    ['entity codes of its own', 'CN=#quot;"#35;&quot;;'],
    ['statement separators', 'CN=a;b; c0 --> c2'],
    ["Mermaid's style rewrite", 'CN=style c0 fill:#f00;'],
    ['classDef', 'CN=classDef x fill:#f00;'],
    ['line and paragraph separators', 'CN=x\u2028y\u2029z\r\n'],
    ['10,000 characters', 'CN=' + 'W'.repeat(10_000)],
    ['a quoted name with a comma', 'CN="quoted, with comma"'],
  ];
  let parsed: ParsedFlowchart[] = [];
  let sources: string[] = [];

  beforeAll(() => {
    // One Mermaid process for all of them (it takes seconds to start).
    sources = hostile.map(([, subject]) =>
      summaryOf([signed('a.nupkg', certificate(subject, 'A0'), { valid: false })]),
    );
    parsed = parseFlowcharts(sources.map((source) => diagramsOf(source)[0] ?? ''));
  });

  it.each(hostile.map(([what, subject], index) => [what, subject, index] as const))(
    'keeps a subject trying %s inside its node label',
    (_what, subject, index) => {
      const source = sources[index] ?? '';
      const diagrams = diagramsOf(source);
      expect(diagrams).toHaveLength(2);
      const flowchart = parsed[index];
      if (!flowchart) throw new Error('no diagram parsed');
      expect(flowchart.error).toBeUndefined();
      expect(flowchart.vertices.map((v) => v.id)).toEqual(['c0', 'c1', 'c2']);
      expect(flowchart.edges.map((e) => `${e.start}>${e.end}`)).toEqual(['c0>c1', 'c1>c2']);
      expect(flowchart.vertices.every((v) => v.link === undefined)).toBe(true);
      expect(flowchart.config).toEqual({});
      // The label shows the name as text, cut to its bound.
      const label = shown(flowchart.vertices[0]?.text).split('<br>')[0] ?? '';
      const name = subject.replace(/^CN=/, '').replace(/^"|"$/g, '');
      expect([...label].length).toBeLessThanOrEqual(MAX_LABEL);
      expect(name.startsWith(label.replace(/…$/, ''))).toBe(true);
      expect(label.length).toBeGreaterThanOrEqual(Math.min(name.length, MAX_LABEL - 1));
      // No raw character of the name that matters to Mermaid or Markdown is left in the block.
      const nodeLine = (diagrams[0] ?? '').split('\n')[1] ?? '';
      expect(nodeLine).toMatch(/^ {2}c0\["[^"`<>%:\n]*<br>[^"`<>%:\n]*"\]$/);
      // The Markdown around it keeps its own headings only.
      const headings = markdown
        .parse(source, {})
        .filter((t) => t.type === 'heading_open')
        .map((t) => t.tag);
      expect(headings).toEqual(['h2', 'h3', 'h3']);
    },
  );

  it(`draws at most ${MAX_DIAGRAMS} diagrams and says how many more there are`, () => {
    const many = Array.from({ length: MAX_DIAGRAMS + 5 }, (_, i) =>
      signed(`${i}.nupkg`, certificate(`CN=S${i}`, i.toString(16).padStart(2, '0'))),
    );
    const source = summaryOf(many);
    expect(diagramsOf(source)).toHaveLength(MAX_DIAGRAMS);
    // 25 signer chains and one shared TSA chain.
    expect(source).toContain('6 more distinct chains are not drawn.');
  });
});

describe('job summary tables', () => {
  it('lists failures first, with the policy that decided, and no pointer to itself', () => {
    const passing = signed('pass.nupkg', certificate('CN=A', 'A0'));
    const failing: PackageVerification = {
      ...signed('fail.nupkg', certificate('CN=B', 'A1'), { valid: false }),
      policy: 'nuget.org',
      policyFile: 'policy.yml',
      signerPolicy: 'owner Contoso',
      issues: [{ code: 'NU3037', level: 'error', message: 'expired', signature: 'primary' }],
    };
    const source = summaryOf([passing, failing]);
    const rows = markdown
      .parse(source, {})
      .filter((t) => t.type === 'inline' && t.content.startsWith('<code>'))
      .map((t) => t.content);
    expect(rows.slice(0, 2)).toEqual(['<code>fail.nupkg</code>', '<code>pass.nupkg</code>']);
    expect(source).toContain('| nuget.org<br><code>policy.yml</code><br>owner Contoso |');
    expect(source).toContain('| verify |');
    expect(source).toContain('**NU3037** error (primary (author) signature): expired');
    expect(source).not.toMatch(/see the job summary|in the job summary/i);
  });
});
