import fc from 'fast-check';
import {
  jsonText,
  logLine,
  logLines,
  markdownText,
  sarifText,
  visibleText,
} from '../../../src/report/escape.js';

/**
 * The escaping every output sink uses. The runners' rules: GitHub runs a line as a command when it
 * starts with `::` after white space, or holds `##[` anywhere; Azure Pipelines when it holds
 * `##vso[` anywhere (culture-sensitive: ignorable characters in between still match).
 */

/** Characters a log line may never carry raw. */
const RAW_CONTROL =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Cn}\p{Default_Ignorable_Code_Point}]|(?! )\p{Zs}/u;

/** What the runners would see with every non-ASCII character dropped (the ones ICU may skip). */
function skeleton(line: string): string {
  return line.replace(/\P{ASCII}/gu, '');
}

function isCommandLine(line: string): boolean {
  const seen = skeleton(line);
  return /^\s*::/.test(seen) || /##(?:vso)?\[/i.test(seen);
}

/** Strings rich in what attacks use: line breaks, ESC, C1, bidi, zero-width, markers. */
const hostileText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.constantFrom(
        '\r',
        '\n',
        '\r\n',
        '\t',
        '\x1b[2J',
        '\x9b31m',
        '\x7f',
        '\u0085',
        '\u2028',
        '\u2029',
        '\u202e',
        '\u2066',
        '\u200b',
        '\u00ad',
        '\ufeff',
        '\u{e0001}',
        '\ud800',
        '\u00a0',
        '\u3000',
        '::',
        ' ::',
        '::set-output name=valid::true',
        '##vso[task.setvariable variable=VALID]true',
        '##VSO[',
        '##[',
        '#',
        'vso',
        '[',
        ':',
      ),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

describe('logLine', () => {
  it('leaves ordinary text as it is', () => {
    expect(logLine('PASS ./pkgs/Contoso.Lib.1.0.0.nupkg Contoso.Lib 1.0.0  (author signed)')).toBe(
      'PASS ./pkgs/Contoso.Lib.1.0.0.nupkg Contoso.Lib 1.0.0  (author signed)',
    );
    expect(logLine('  author: CN=Contoso, O="Contoso, Ltd" [SHA-256 AB12]')).toBe(
      '  author: CN=Contoso, O="Contoso, Ltd" [SHA-256 AB12]',
    );
    expect(logLine('C:\\packages\\a.nupkg: signed')).toBe('C:\\packages\\a.nupkg: signed');
    expect(logLine('Zürich — 東京 ✅')).toBe('Zürich — 東京 ✅');
  });

  it('shows a CR/LF-injected set-output command as one readable line', () => {
    const id = 'Evil\r\n::set-output name=valid::true';
    expect(logLine(`PASS x.nupkg ${id} 1.0.0`)).toBe(
      'PASS x.nupkg Evil\\r\\n::set-output name=valid::true 1.0.0',
    );
  });

  it('breaks ##vso[ and ##[ wherever they stand, also with invisible characters inside', () => {
    expect(logLine('x ##vso[task.setvariable variable=VALID]true')).toBe(
      'x ##vso\\x5btask.setvariable variable=VALID]true',
    );
    expect(logLine('x ##[set-output name=valid;]true')).toBe(
      'x ##\\x5bset-output name=valid;]true',
    );
    // The soft hyphen an ICU match would skip is shown as `\xad`, which breaks the marker.
    expect(logLine('x #\u00ad#vso[task.complete]')).toBe('x #\\xad#vso[task.complete]');
    expect(logLine('x #é#VsO[a.b]')).toBe('x #é#VsO\\x5ba.b]');
  });

  it('breaks :: at the start of a line, after white space or ignorable characters', () => {
    expect(logLine('::warning::forged')).toBe('\\x3a:warning::forged');
    expect(logLine('   ::error::forged')).toBe('   \\x3a:error::forged');
    expect(logLine('\u200b::error::forged')).toBe('\\u200b::error::forged');
    expect(logLine('é:é:x')).toBe('é\\x3aé:x');
    // Not at the start: not a command, left readable.
    expect(logLine('error NUPKG003: a::b')).toBe('error NUPKG003: a::b');
  });

  it('shows terminal escape sequences, C1 controls, bidi overrides and separators escaped', () => {
    expect(logLine('a\x1b[31mred\x1b[0m\x9b2J\x7f\t\u2028\u2029\u202egnp.exe\u2066\u{e0041}')).toBe(
      'a\\x1b[31mred\\x1b[0m\\x9b2J\\x7f\\t\\u2028\\u2029\\u202egnp.exe\\u2066\\u{e0041}',
    );
  });

  it('never yields a raw control, a line break or a command, for any input', () => {
    fc.assert(
      fc.property(fc.string(), hostileText, (prefix, value) => {
        const line = logLine(`${prefix}${value}`);
        expect(line).not.toMatch(RAW_CONTROL);
        expect(isCommandLine(line)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('joins lines so that each output line is one input line', () => {
    const text = logLines(['FAIL a\nb', '', '::x::y']);
    expect(text.split('\n')).toEqual(['FAIL a\\nb', '', '\\x3a:x::y', '']);
  });
});

describe('visibleText', () => {
  it('escapes controls but keeps command markers (for fields that are not log lines)', () => {
    expect(visibleText('a\r\n##vso[b]\x00')).toBe('a\\r\\n##vso[b]\\x00');
  });
});

describe('sarifText', () => {
  it('escapes square brackets, so a value cannot become an embedded link', () => {
    expect(sarifText('see [here](https://evil.example)\n')).toBe(
      'see \\[here\\](https://evil.example)\\n',
    );
  });
});

describe('jsonText', () => {
  it('parses to exactly the value it was given, for any value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), hostileText, (value, text) => {
        const document = { value, text, [text]: text };
        expect(JSON.parse(jsonText(document))).toEqual(JSON.parse(JSON.stringify(document)));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes no raw control and no command in any line', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        for (const line of jsonText({ results: [{ id: text, subject: text }] }).split('\n')) {
          expect(line).not.toMatch(RAW_CONTROL);
          expect(isCommandLine(line)).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the layout of JSON.stringify for ordinary documents', () => {
    const document = { results: [{ file: 'a.nupkg', valid: true, issues: [] }] };
    expect(jsonText(document)).toBe(`${JSON.stringify(document, null, 2)}\n`);
  });
});

describe('markdownText', () => {
  it('leaves letters, digits, spaces and plain punctuation readable', () => {
    expect(markdownText('The package is not signed. Contoso.Lib 1.0.0-beta+1')).toBe(
      'The package is not signed. Contoso.Lib 1.0.0-beta+1',
    );
  });

  it('writes everything that could start Markdown or HTML as a character reference', () => {
    expect(markdownText('a | b <img src=x> & [l](u) ![i](u) *e* _e_ `c` ~s~ # $m$ \\ @u :x:')).toBe(
      'a &#124; b &lt;img src=x&gt; &amp; &#91;l&#93;&#40;u&#41; &#33;&#91;i&#93;&#40;u&#41; &#42;e&#42; &#95;e&#95; &#96;c&#96; &#126;s&#126; &#35; &#36;m&#36; &#92; &#64;u &#58;x&#58;',
    );
    expect(markdownText('www.evil.example')).toBe('www&#46;evil.example');
  });

  it('turns a line break (CR, LF or CRLF) into a space and other controls into escapes', () => {
    expect(markdownText('a\rb\nc\r\nd\x1be')).toBe('a b c d&#92;x1be');
  });
});
