/** Where a command writes; the CLI passes process streams, tests pass collectors. */
export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal (colour, see color.ts); absent means not. */
  readonly stdoutIsTerminal?: boolean;
  /** Whether stderr is a terminal (the progress line, see progress.ts); absent means not. */
  readonly stderrIsTerminal?: boolean;
}
