/**
 * A small, strict XML reader for nuget.config: elements, attributes, text, comments, CDATA, the
 * five predefined entities and character references. No DTDs (refused: nothing in nuget.config
 * needs one, and they are the classic XML attack surface), no namespaces beyond keeping prefixed
 * names as written. Written by hand with a cursor rather than regexes so that every error can
 * carry the line it happened on.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own text content (children's text excluded), entities decoded. */
  readonly text: string;
  readonly line: number;
}

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

export function parseXml(source: string): XmlElement {
  return new Reader(source.replace(/^\uFEFF/, '')).document();
}

class Reader {
  private pos = 0;

  constructor(private readonly src: string) {}

  document(): XmlElement {
    this.misc();
    if (!this.src.startsWith('<', this.pos)) this.fail('expected the root element');
    const root = this.element();
    this.misc();
    if (this.pos < this.src.length) this.fail('unexpected content after the root element');
    return root;
  }

  /** Whitespace, comments and processing instructions outside the root element. */
  private misc(): void {
    for (;;) {
      this.skipWhitespace();
      if (this.src.startsWith('<?', this.pos)) this.skipPast('?>', 'processing instruction');
      else if (this.src.startsWith('<!--', this.pos)) this.skipPast('-->', 'comment');
      else if (this.src.startsWith('<!', this.pos))
        this.fail('DOCTYPE declarations are not supported in nuget.config');
      else return;
    }
  }

  private element(): XmlElement {
    const line = this.line();
    this.pos++; // '<'
    const name = this.name();
    const attributes = new Map<string, string>();
    for (;;) {
      const spaced = this.skipWhitespace();
      if (this.src.startsWith('/>', this.pos)) {
        this.pos += 2;
        return { name, attributes, children: [], text: '', line };
      }
      if (this.src[this.pos] === '>') {
        this.pos++;
        break;
      }
      if (!spaced) this.fail(`expected whitespace, ">" or "/>" in <${name}>`);
      const attributeName = this.name();
      this.skipWhitespace();
      if (this.src[this.pos] !== '=')
        this.fail(`attribute ${attributeName} of <${name}> has no value`);
      this.pos++;
      this.skipWhitespace();
      if (attributes.has(attributeName))
        this.fail(`attribute ${attributeName} appears twice in <${name}>`);
      attributes.set(attributeName, this.quoted());
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (this.pos >= this.src.length) this.fail(`<${name}> (line ${line}) is not closed`);
      if (this.src.startsWith('</', this.pos)) {
        this.pos += 2;
        const closing = this.name();
        if (closing !== name)
          this.fail(`expected </${name}> (opened at line ${line}), found </${closing}>`);
        this.skipWhitespace();
        if (this.src[this.pos] !== '>') this.fail(`expected ">" after </${closing}`);
        this.pos++;
        return { name, attributes, children, text, line };
      }
      if (this.src.startsWith('<!--', this.pos)) this.skipPast('-->', 'comment');
      else if (this.src.startsWith('<![CDATA[', this.pos)) {
        const end = this.src.indexOf(']]>', this.pos);
        if (end < 0) this.fail('CDATA section is not closed');
        text += this.src.slice(this.pos + 9, end);
        this.pos = end + 3;
      } else if (this.src.startsWith('<?', this.pos)) this.skipPast('?>', 'processing instruction');
      else if (this.src.startsWith('<!', this.pos))
        this.fail('DOCTYPE declarations are not supported in nuget.config');
      else if (this.src[this.pos] === '<') children.push(this.element());
      else text += this.textUntilMarkup();
    }
  }

  private name(): string {
    const start = this.pos;
    while (this.pos < this.src.length && isNameChar(this.src.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) this.fail('expected a name');
    return this.src.slice(start, this.pos);
  }

  private quoted(): string {
    const quote = this.src[this.pos];
    if (quote !== '"' && quote !== "'") this.fail('attribute values must be quoted');
    const end = this.src.indexOf(quote, this.pos + 1);
    if (end < 0) this.fail('attribute value is not closed');
    const raw = this.src.slice(this.pos + 1, end);
    if (raw.includes('<')) this.fail('"<" is not allowed in an attribute value');
    this.pos = end + 1;
    return this.decode(raw);
  }

  private textUntilMarkup(): string {
    const end = this.src.indexOf('<', this.pos);
    const stop = end < 0 ? this.src.length : end;
    const raw = this.src.slice(this.pos, stop);
    const decoded = this.decode(raw);
    this.pos = stop;
    return decoded;
  }

  private decode(raw: string): string {
    let out = '';
    let i = 0;
    while (i < raw.length) {
      const amp = raw.indexOf('&', i);
      if (amp < 0) return out + raw.slice(i);
      out += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp);
      if (semi < 0) this.fail('"&" must start an entity such as &amp;');
      const entity = raw.slice(amp + 1, semi);
      out += this.entity(entity);
      i = semi + 1;
    }
    return out;
  }

  private entity(entity: string): string {
    const named = ENTITIES[entity];
    if (named !== undefined) return named;
    if (entity.startsWith('#')) {
      const hex = entity[1] === 'x';
      const digits = entity.slice(hex ? 2 : 1);
      const valid = hex ? /^[0-9A-Fa-f]+$/.test(digits) : /^[0-9]+$/.test(digits);
      const code = valid ? Number.parseInt(digits, hex ? 16 : 10) : NaN;
      if (Number.isInteger(code) && code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
    }
    return this.fail(`unknown entity &${entity};`);
  }

  private skipWhitespace(): boolean {
    const start = this.pos;
    while (this.pos < this.src.length && ' \t\r\n'.includes(this.src[this.pos] ?? '')) this.pos++;
    return this.pos > start;
  }

  private skipPast(terminator: string, what: string): void {
    const end = this.src.indexOf(terminator, this.pos);
    if (end < 0) this.fail(`${what} is not closed`);
    this.pos = end + terminator.length;
  }

  private line(): number {
    let line = 1;
    for (let i = 0; i < this.pos; i++) if (this.src.charCodeAt(i) === 10) line++;
    return line;
  }

  private fail(message: string): never {
    throw new XmlSyntaxError(message, this.line());
  }
}

function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x5f ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x3a || // _ - . :
    code > 0x7f
  );
}
