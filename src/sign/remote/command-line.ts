import { NupkgSigningError } from '../../errors.js';

/**
 * Splits a `--sign-command` string into program and arguments, POSIX-shell style but without a
 * shell: whitespace separates words, '…' is literal, "…" allows \" and \\, a backslash outside
 * quotes escapes the next character. No variables, globs or pipes, so the digest can never be
 * interpreted by a shell; users who want one write `sh -c '…'` themselves.
 */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i];
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote !== undefined) {
    throw new NupkgSigningError('NUPKG003', `The sign command has an unterminated ${quote} quote.`);
  }
  if (inWord) words.push(word);
  if (words.length === 0) throw new NupkgSigningError('NUPKG003', 'The sign command is empty.');
  return words;
}
