import { CST } from 'yaml';

/**
 * Bounds how deeply a YAML text can nest its collections, from the lexer's tokens, before the
 * parser sees them: the `yaml` parser, its composer and every walk over the result recurse once
 * per level, so `[[[[…` or `- - - -…` 10,000 levels deep overflowed the stack with no file or
 * line. The lexer keeps a counter, not a stack, and takes linear time.
 *
 * The count is an upper bound, never below the real depth: a block collection nested in another
 * either starts on a more indented line (a mapping's sequence may share its indentation, hence two
 * levels per indentation step) or follows a `-`, `?` or `:` indicator on the same line, and each
 * flow bracket opens one level. A real policy file counts about 10.
 */
export class YamlNestingBound {
  /** 1-based line of the token last accepted. */
  line = 1;
  private lineStart = true;
  private lineIndent = 0;
  private indicatorsOnLine = 0;
  private flow = 0;
  private scalarFollows = false;
  /** Indentations of the lines still open around this one, strictly increasing. */
  private readonly indents: number[] = [];

  constructor(private readonly limit: number) {}

  /** Takes the next lexer token; false once the nesting bound exceeds the limit. */
  accept(token: string): boolean {
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
    return 2 * this.indents.length + this.indicatorsOnLine + this.flow <= this.limit;
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

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
}
