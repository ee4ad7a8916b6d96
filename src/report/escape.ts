/**
 * Neutralises text that leaves the program: package ids and versions, certificate subjects, file
 * names, server replies and the messages that quote them are hostile. Every sink passes its text
 * through one of these functions: terminal and CI-log lines (`logLine`, `logLines`), values in
 * Markdown (`markdownText`), other plain-text fields (`visibleText`) and JSON (`jsonText`).
 *
 * Why each rule (read from the runners' sources):
 * - The GitHub Actions runner trims a line's leading white space and runs it as a workflow command
 *   when it then starts with `::` (`ActionCommand.TryParseV2`); failing that, it looks for the
 *   legacy `##[` prefix anywhere in the line (`ActionCommand.TryParse`).
 * - The Azure Pipelines agent runs `##vso[area.event ...]` found anywhere in a line
 *   (`Command.TryParse`: `message.IndexOf("##vso[")`). That IndexOf is culture-sensitive, and ICU
 *   collation skips "ignorable" characters, so `#<U+00AD>#vso[` may match too: invisible
 *   characters are escaped first, and the markers are also matched across any non-ASCII character.
 * - A CR, LF, U+0085, U+2028 or U+2029 starts a new line (and a new command) in a log or a
 *   Markdown table; ESC and C1 controls drive the terminal; bidi overrides reorder what a reader
 *   sees ("Trojan Source"); zero-width characters hide text.
 * Backslashes in values are kept as they are (Windows paths stay readable), so an escape such as
 * `\n` is unambiguous for everything except a value that itself contains a backslash.
 */

/**
 * Characters never printed as they are: C0/C1 controls and DEL (Cc), format characters such as the
 * bidi overrides and zero-width joiners (Cf), line and paragraph separators (Zl, Zp), spaces other
 * than U+0020 (Zs), lone surrogates (Cs), unassigned code points (Cn) and every default-ignorable
 * code point (invisible by definition; skipped by culture-sensitive string matching).
 */
const INVISIBLE =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Cn}\p{Default_Ignorable_Code_Point}]|(?! )\p{Zs}/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Any run of non-ASCII characters, which a culture-sensitive matcher might skip. */
const SKIPPABLE = '\\P{ASCII}*';

/** `##vso[` and `##[`, in any case, with anything skippable between their characters. */
const COMMAND_ANYWHERE = new RegExp(
  `#${SKIPPABLE}#${SKIPPABLE}(?:[Vv]${SKIPPABLE}[Ss]${SKIPPABLE}[Oo]${SKIPPABLE})?\\[`,
  'gu',
);

/** `::` after leading white space (and anything skippable): a GitHub workflow command. */
const COMMAND_AT_LINE_START = new RegExp(`^(?:\\s|\\P{ASCII})*:${SKIPPABLE}:`, 'u');

/** The text with every invisible or control character shown as an escape (`\n`, `\x1b`, `\u202e`). */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE, escapeCharacter);
}

/**
 * One line for a terminal or a CI log: nothing in it can end the line, drive the terminal or be
 * read as a GitHub Actions or Azure Pipelines command. Text that is already safe is unchanged.
 */
export function logLine(line: string): string {
  return visibleText(line)
    .replace(COMMAND_ANYWHERE, (marker) => `${marker.slice(0, -1)}\\x5b`)
    .replace(COMMAND_AT_LINE_START, (prefix) => prefix.replace(':', '\\x3a'));
}

/** Lines for a terminal or a CI log, each made safe by `logLine`, newline-terminated. */
export function logLines(lines: readonly string[]): string {
  return `${lines.map(logLine).join('\n')}\n`;
}

/**
 * ASCII characters left as they are in Markdown: letters, digits, the space and punctuation with
 * no meaning inside a line (`-`, `+` and `=` only mean something at the start of a line, which a
 * value never reaches: its line breaks are gone). Every other ASCII character can start inline
 * syntax in GitHub-flavoured Markdown (`\` `` ` `` `*` `_` `~` `[` `]` `!` `<` `>` `&` `|` `#` `:`
 * `@` `$` `(` `)` `{` `}` `^`), and is written as a character reference.
 */
const MARKDOWN_SYNTAX = /[^A-Za-z0-9 \-.,/;?'"%+=\u0080-\u{10FFFF}]|(?<=[Ww]{3})\./gu;

const NAMED_REFERENCES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
};

/**
 * A value for GitHub-flavoured Markdown (a table cell): a line break becomes a space (a table row
 * is one line), other invisible characters are escaped, and every character that could start
 * Markdown syntax is written as a character reference. CommonMark never reads a character
 * reference as syntax, and block syntax needs the start of a line, so no cell break, heading,
 * link, image, emphasis, code, math, HTML or autolink (`http:`, `www.`, `a@b`) can come from the
 * value; it renders as the same text.
 */
export function markdownText(value: string): string {
  return visibleText(value.replace(/\r\n|[\r\n]/g, ' ')).replace(
    MARKDOWN_SYNTAX,
    (character) => NAMED_REFERENCES[character] ?? `&#${character.codePointAt(0)};`,
  );
}

/**
 * A SARIF plain-text message (SARIF 2.1.0 §3.11.6): invisible characters escaped, and `[` and `]`
 * escaped with a backslash, so that no embedded link (`[text](https://…)`) comes from a value.
 */
export function sarifText(message: string): string {
  return visibleText(message).replace(/[[\]]/g, (bracket) => `\\${bracket}`);
}

/**
 * A JSON document that parses to exactly `value`, with the characters a terminal or CI log would
 * act on written as `\uXXXX` escapes (JSON.stringify leaves DEL, C1 controls, bidi overrides,
 * U+2028/U+2029 and the `[` of `##vso[`/`##[` raw). These can only occur inside strings: every
 * control character in a string is escaped by JSON.stringify, so a raw LF is the indentation's.
 */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
    .replace(INVISIBLE, (character) => (character === '\n' ? character : jsonEscape(character)))
    .replace(COMMAND_ANYWHERE, (marker) => `${marker.slice(0, -1)}\\u005b`);
}

/**
 * Text for XML character data or an attribute value (JUnit reports): invisible and control
 * characters shown escaped (XML 1.0 forbids most C0 controls outright, and a reader should see
 * them), then the five markup characters written as entity references.
 */
export function xmlText(value: string): string {
  return visibleText(value).replace(/[&<>"']/g, (character) => XML_ENTITIES[character] ?? '');
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * A property value or the message of an Azure Pipelines logging command (`##vso[...]`), escaped
 * the way the agent unescapes them (`CommandStringConvertor`): `%` as `%AZP25`, then `;`, `\r`,
 * `\n` and `]` as `%3B`, `%0D`, `%0A` and `%5D`; so a value cannot end its property, the command
 * or the line. The text is first made a safe log line (`logLine`), so it cannot start a command
 * of its own either.
 */
export function azureCommandText(value: string): string {
  return logLine(value)
    .replace(/%/g, '%AZP25')
    .replace(/;/g, '%3B')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
    .replace(/]/g, '%5D');
}

function escapeCharacter(character: string): string {
  const named = NAMED[character];
  if (named) return named;
  const code = character.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${hex(code, 2)}`;
  if (code <= 0xffff) return `\\u${hex(code, 4)}`;
  return `\\u{${hex(code, 5)}}`;
}

/** JSON escapes UTF-16 code units: an astral character becomes its surrogate pair. */
function jsonEscape(character: string): string {
  let escaped = '';
  for (let i = 0; i < character.length; i++) escaped += `\\u${hex(character.charCodeAt(i), 4)}`;
  return escaped;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}
