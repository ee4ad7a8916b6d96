/** Where a command writes; the CLI passes process streams, tests pass collectors. */
export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}
