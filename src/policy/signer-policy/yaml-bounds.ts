import { CST } from 'yaml';

/** The bounds {@link YamlBounds} enforces. */
export interface YamlLimits {
  readonly maxNesting: number;
  readonly maxTokens: number;
}

/**
 * Bounds a YAML text from its lexer tokens, before the parser sees them. The lexer keeps counters,
 * not a stack, and takes linear time; what comes after it does not:
 *
 * - nesting: the `yaml` parser, its composer and every walk over the result recurse once per level,
 *   so `[[[[…` or `- - - -…` 10,000 levels deep overflowed the stack with no file or line. The
 *   count is an upper bound, never below the real depth: a block collection nested in another
 *   either starts on a more indented line (a mapping's sequence may share its indentation, hence
 *   two levels per indentation step) or follows a `-`, `?` or `:` indicator on the same line, and
 *   each flow bracket opens one level. A real policy file counts about 10.
 * - size: the concrete syntax tree and the document model cost about 1 KB of memory per token, and
 *   the composer reports at most a few problems per token, line or escape, so counting those
 *   bounds memory whatever the bytes are (2 MiB of `]` or `,` would otherwise take gigabytes).
 */
export class YamlBounds {
  /** 1-based line of the token last accepted. */
  line = 1;
  /** Why the last token was refused. */
  problem: string | undefined;
  private tokens = 0;
  private lineStart = true;
  private lineIndent = 0;
  private indicatorsOnLine = 0;
  private flow = 0;
  private scalarFollows = false;
  /** Indentations of the lines still open around this one, strictly increasing. */
  private readonly indents: number[] = [];

  constructor(private readonly limits: YamlLimits) {}

  /** Takes the next lexer token; false (with `problem` set) once a bound is passed. */
  accept(token: string): boolean {
    if (!this.count(token)) return false;
    if (this.scalarFollows) {
      // The source of a plain or block scalar: text, even when it reads "-" or "[".
      this.scalarFollows = false;
      this.line += countNewlines(token);
      // A block scalar's text ends with its last line break: the next token starts a line.
      if (token.endsWith('\n')) this.startLine();
      else this.lineStart = false;
      return true;
    }
    const type = CST.tokenType(token);
    if (type === 'newline') {
      this.line += 1;
      this.startLine();
      return true;
    }
    if (type === 'space') {
      if (this.lineStart) this.lineIndent = token.length;
      return true;
    }
    if (type === 'comment' || type === 'doc-mode' || type === 'byte-order-mark') return true;
    if (this.lineStart) this.enterLine();
    switch (type) {
      case 'scalar':
        this.scalarFollows = true;
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
      case 'map-value-ind':
        if (this.flow === 0) this.indicatorsOnLine += 1;
        break;
      case 'flow-seq-start':
      case 'flow-map-start':
        this.flow += 1;
        break;
      case 'flow-seq-end':
      case 'flow-map-end':
        this.flow = Math.max(0, this.flow - 1);
        break;
      case 'flow-error-end':
      case 'doc-start':
      case 'doc-end':
        this.flow = 0;
        break;
      default:
        // Quoted scalars may span lines.
        this.line += countNewlines(token);
    }
    if (2 * this.indents.length + this.indicatorsOnLine + this.flow <= this.limits.maxNesting)
      return true;
    this.problem = `collections are nested too deeply (limit: ${this.limits.maxNesting} levels, counted from indentation, indicators and brackets; a policy file needs about 10)`;
    return false;
  }

  /**
   * Every token but spaces and the marker before a scalar's text, plus the lines and escapes inside
   * one (the composer can report a problem for each); an opening bracket allocates a collection
   * that an unclosed one keeps open, so it weighs {@link COLLECTION_WEIGHT}.
   */
  private count(token: string): boolean {
    const type = CST.tokenType(token);
    if (type === 'space' || type === 'scalar') return true;
    if (type === 'newline') return this.add(1);
    const weight = type === 'flow-seq-start' || type === 'flow-map-start' ? COLLECTION_WEIGHT : 1;
    return this.add(
      weight + countNewlines(token) + (token.startsWith('"') ? countBackslashes(token) : 0),
    );
  }

  private add(tokens: number): boolean {
    this.tokens += tokens;
    if (this.tokens <= this.limits.maxTokens) return true;
    this.problem = `the file has more than ${this.limits.maxTokens} YAML tokens (keys, values, indicators, brackets, lines), the limit; a policy of 5,000 accounts has about 165,000`;
    return false;
  }

  private startLine(): void {
    this.lineStart = true;
    this.lineIndent = 0;
    this.indicatorsOnLine = 0;
  }

  /** The first token of a line that holds more than spaces and comments. */
  private enterLine(): void {
    this.lineStart = false;
    // Inside a flow collection, indentation carries no structure.
    if (this.flow > 0) return;
    const indents = this.indents;
    while (indents.length > 0 && (indents[indents.length - 1] ?? 0) > this.lineIndent)
      indents.pop();
    if (indents.length === 0 || (indents[indents.length - 1] ?? 0) < this.lineIndent)
      indents.push(this.lineIndent);
  }
}

const COLLECTION_WEIGHT = 4;

function countNewlines(text: string): number {
  return countOf(text, '\n');
}

function countBackslashes(text: string): number {
  return countOf(text, '\\');
}

function countOf(text: string, character: string): number {
  let count = 0;
  for (let i = text.indexOf(character); i !== -1; i = text.indexOf(character, i + 1)) count += 1;
  return count;
}
