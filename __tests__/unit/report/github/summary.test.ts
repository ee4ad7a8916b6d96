import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import { renderSummary } from '../../../../src/report/github/summary.js';
import type { SignOutcome } from '../../../../src/sign/sign-outcome.js';
import type { Issue } from '../../../../src/issues.js';
import type { PackageVerification } from '../../../../src/verify/verify-package.js';
import { packageResult as result } from '../../../helpers/report-inputs.js';

/**
 * The job summary rendered by a CommonMark renderer with GitHub's table extension, raw HTML and
 * autolinks on (markdown-it), from values an attacker chooses: a certificate subject, a package id
 * and version, a file name and issue messages. Nothing from them may become a heading, image,
 * link, HTML or a cell or row of its own.
 */
const markdown = new MarkdownIt({ html: true, linkify: true });

/** The inline HTML the summary writes itself; everything else would come from a value. */
const OWN_HTML = new Set(['<code>', '</code>', '<br>']);

const FINGERPRINT = 'AB'.repeat(32);

function verification(value: string): PackageVerification {
  return {
    file: `pkgs/${value}.nupkg`,
    package: { id: `Contoso${value}`, version: `1.0.0${value}` },
    valid: false,
    signature: 'author',
    countersigned: true,
    signatures: [
      {
        placement: 'primary',
        type: 'author',
        signer: {
          subject: `CN=Signer${value}, O=Contoso`,
          fingerprintSha256: FINGERPRINT,
          issuer: 'CN=Issuer',
          notBefore: '2020-01-01T00:00:00.000Z',
          notAfter: '2045-01-01T00:00:00.000Z',
        },
        // Drawn in a Mermaid block under a caption naming the package file.
        chain: [
          { subject: `CN=Signer${value}, O=Contoso`, fingerprintSha256: FINGERPRINT },
          { subject: `CN=Root${value}`, fingerprintSha256: 'CD'.repeat(32) },
        ],
        timestamp: { time: '2024-01-01T00:00:00.000Z', tsaSubject: 'CN=TSA' },
      },
      {
        placement: 'countersignature',
        type: 'repository',
        signer: {
          subject: `O=Repository, CN="Repo${value}"`,
          fingerprintSha256: FINGERPRINT,
          issuer: 'CN=Issuer',
          notBefore: '2020-01-01T00:00:00.000Z',
          notAfter: '2045-01-01T00:00:00.000Z',
        },
      },
    ],
    issues: [
      { code: 'NU3008', level: 'error', message: `Integrity check failed for ${value}` },
      { code: 'NU3027', level: 'warning', message: value },
    ],
  };
}

function signing(value: string): SignOutcome {
  return {
    file: `pkgs/${value}.nupkg`,
    signed: false,
    warnings: [{ code: 'NU3018', level: 'warning', message: `untrusted ${value}` }],
    error: { code: 'NU3001', message: `'${value}' is already signed` },
  } as SignOutcome;
}

function summaryOf(value: string): string {
  return renderSummary({
    mode: 'sign-and-verify',
    verifications: [verification(value), verification('plain')],
    signing: [signing(value)],
    verdict: '0 of 1 package(s) signed; 0 of 2 package(s) valid.',
  });
}

interface Rendered {
  readonly headings: string[];
  readonly fences: string[];
  readonly tables: number[][];
  readonly html: string[];
  links: number;
  images: number;
  readonly cells: string[];
}

/** What the renderer made of the summary: headings, each table's cells per row, HTML, links. */
function render(source: string): Rendered {
  const tokens = markdown.parse(source, {});
  const rendered: Rendered = {
    headings: [],
    fences: [],
    tables: [],
    html: [],
    links: 0,
    images: 0,
    cells: [],
  };
  let row: number | undefined;
  tokens.forEach((token, index) => {
    if (token.type === 'heading_open') rendered.headings.push(tokens[index + 1]?.content ?? '');
    if (token.type === 'html_block') rendered.html.push(token.content);
    if (token.type === 'fence') rendered.fences.push(token.info);
    if (token.type === 'table_open') rendered.tables.push([]);
    if (token.type === 'tr_open') row = 0;
    if (token.type === 'th_open' || token.type === 'td_open') row = (row ?? 0) + 1;
    if (token.type === 'tr_close') rendered.tables[rendered.tables.length - 1]?.push(row ?? 0);
    if (token.type === 'inline') {
      const children: Token[] = token.children ?? [];
      for (const child of children) {
        if (child.type === 'html_inline') rendered.html.push(child.content);
        if (child.type === 'link_open') rendered.links++;
        if (child.type === 'image') rendered.images++;
      }
      if (tokens[index - 1]?.type === 'td_open') {
        rendered.cells.push(
          children.map((c) => (c.type === 'softbreak' ? '\n' : c.content)).join(''),
        );
      }
    }
  });
  return rendered;
}

const SAFE_SHAPE = {
  headings: ['nupkg-signing (sign-and-verify)', 'Signing', 'Verification', 'Signing chains'],
  // Both packages' chains have the same fingerprints: one diagram, its caption naming both.
  fences: ['mermaid'],
  // Header row plus one row per outcome: 5 columns for signing, 7 for verification.
  tables: [
    [5, 5],
    [7, 7, 7],
  ],
};

function expectSafe(rendered: Rendered): void {
  expect(rendered.headings).toEqual(SAFE_SHAPE.headings);
  expect(rendered.fences).toEqual(SAFE_SHAPE.fences);
  expect(rendered.tables).toEqual(SAFE_SHAPE.tables);
  expect(rendered.html.filter((html) => !OWN_HTML.has(html))).toEqual([]);
  expect(rendered.links).toBe(0);
  expect(rendered.images).toBe(0);
}

describe('job summary rendered as Markdown', () => {
  const attacks = [
    '\r# Heading',
    '\r![x](http://evil/img.png)',
    '\n## Heading\n',
    '\r\n| injected | row |\r\n',
    'a | b',
    '<img src=x>',
    '<script>alert(1)</script>',
    '[link](http://evil)',
    '![x](http://evil/img.png)',
    'http://evil.example/x www.evil.example evil@evil.example',
    '&lt;img src=x&gt;',
    '`code` **bold** _em_ ~~strike~~ $x$',
    'trailing backslash \\',
    '\\| escaped pipe',
    '\r<details><summary>x</summary>',
    '\u2028# Heading\u2029',
  ];

  it.each(attacks)('keeps %j inside its cells, as text', (value) => {
    const source = summaryOf(value);
    const rendered = render(source);
    expectSafe(rendered);
    // The value is still there to read, in every cell that shows it.
    const readable = value.replace(/\r\n|[\r\n]/g, ' ').replace(/\u2028/g, '\\u2028');
    const wanted = readable.replace(/\u2029/g, '\\u2029');
    expect(rendered.cells.some((cell) => cell.includes(wanted))).toBe(true);
  });

  it('renders the CR attack of the issue (heading, link and remote image) as plain text', () => {
    const value = '\r# Owned\r[click](http://evil)\r![x](http://evil/img.png)';
    const html = markdown.render(summaryOf(value));
    expect(html).not.toMatch(/<h1|<a |<img/);
    expect(html).toContain('Signer # Owned [click](http://evil) ![x](http://evil/img.png)');
  });

  it('keeps the table shape for any value', () => {
    const hostile = fc.array(
      fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.constantFrom(
          '\r',
          '\n',
          '|',
          '\\',
          '`',
          '<',
          '>',
          '&',
          '#',
          '[',
          ']',
          '(',
          ')',
          '!',
          '*',
          '_',
          ':',
          '@',
          'www.',
          'http://',
          '<img src=x>',
          '&amp;',
          '&#124;',
        ),
      ),
      { maxLength: 15 },
    );
    fc.assert(
      fc.property(hostile, (parts) => expectSafe(render(summaryOf(parts.join(''))))),
      { numRuns: 200 },
    );
  });
});

describe('renderSummary', () => {
  it('keeps a message with a pipe and a newline inside its table cell', () => {
    const subject = renderSummary({
      mode: 'verify',
      verifications: [
        result('a.nupkg', [{ code: 'NU3008', level: 'error', message: 'a | b\nc <d>' }]),
      ],
      signing: [],
      verdict: 'v',
    });
    // The policy column is empty (—) when the result does not say which policy decided.
    expect(subject).toContain('| ❌ **invalid** | — | **NU3008** error: a &#124; b c &lt;d&gt; |');
  });
});

describe('offline revocation notes in the summary', () => {
  const note = (signature: 'primary' | 'primary-timestamp'): Issue => ({
    code: signature === 'primary' ? 'NU3018' : 'NU3028',
    level: 'info',
    message: `The revocation status of the chain was not checked: revocation checking is offline (NUGET_CERT_REVOCATION_MODE=offline).`,
    signature,
  });

  it('fold into one line under the table instead of repeating in every row', () => {
    const subject = renderSummary({
      mode: 'verify',
      verifications: [
        result('a.nupkg', [note('primary'), note('primary-timestamp')]),
        result('b.nupkg', [
          note('primary'),
          { code: 'NU3027', level: 'warning', message: 'no timestamp', signature: 'primary' },
        ]),
      ],
      signing: [],
      verdict: 'v',
    });
    expect(subject.match(/revocation checking is offline/g)).toHaveLength(1);
    expect(subject).toContain('Revocation was not checked for 2 package(s)');
    const rows = subject.split('\n').filter((l) => l.startsWith('| <code>'));
    expect(rows[0]).toMatch(/\| — \|$/);
    expect(rows[1]).toContain('**NU3027** warning (primary (author) signature): no timestamp');
  });
});
