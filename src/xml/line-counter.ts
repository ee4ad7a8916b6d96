/**
 * Line numbers for positions met in increasing order (element starts): counting from the last
 * position asked keeps the whole document linear, and nothing is stored per line. A line ends at
 * LF, at CR LF, or at a lone CR, as XML's end-of-line handling says.
 */
export class LineCounter {
  private index = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  lineAt(position: number): number {
    if (position < this.index) return this.recount(position);
    for (; this.index < position; this.index++) {
      const code = this.text.charCodeAt(this.index);
      if (code === 0x0a || (code === 0x0d && this.text.charCodeAt(this.index + 1) !== 0x0a))
        this.line++;
    }
    return this.line;
  }

  /** Positions never go back in a well-formed document; this keeps the answer right anyway. */
  private recount(position: number): number {
    this.index = 0;
    this.line = 1;
    return this.lineAt(position);
  }
}
