import { NupkgSigningError } from '../../errors.js';

/**
 * Splits a `--sign-command` string into program and arguments the way the platform's own programs
 * would, but without a shell, so the digest can never be interpreted by one:
 * - POSIX (default): like a POSIX shell splits words: whitespace separates words, '…' is literal,
 *   "…" allows \" and \\, a backslash outside quotes escapes the next character. No variables,
 *   globs or pipes; users who want a shell write `sh -c '…'` themselves.
 * - win32: the rules of the Microsoft C runtime (CommandLineToArgvW), so `C:\tools\signer.exe`
 *   keeps its backslashes (splitWindowsCommandLine).
 */
export function splitCommandLine(
  text: string,
  platform: NodeJS.Platform = process.platform,
): string[] {
  const words = platform === 'win32' ? splitWindowsWords(text) : splitPosixWords(text);
  if (words.length === 0) throw new NupkgSigningError('NUPKG003', 'The sign command is empty.');
  return words;
}

function splitPosixWords(text: string): string[] {
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
  if (quote !== undefined) throw unterminated(quote);
  if (inWord) words.push(word);
  return words;
}

/**
 * The Microsoft C runtime's rules (the ones CommandLineToArgvW and every MSVC program use):
 * spaces and tabs separate words outside double quotes; "…" groups; a backslash is literal unless
 * a run of them ends at a double quote: 2n backslashes + " give n backslashes and open or close
 * the quotes, 2n+1 backslashes + " give n backslashes and a literal ". Inside quotes, "" is a
 * literal " (the runtime's behaviour since 2008). Single quotes are ordinary characters.
 */
function splitWindowsWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\') {
      let run = 1;
      while (text[i + run] === '\\') run++;
      if (text[i + run] === '"') {
        word += '\\'.repeat(Math.floor(run / 2));
        if (run % 2 === 1) {
          word += '"';
          i += run;
        } else i += run - 1; // the quote is handled next round
      } else {
        word += '\\'.repeat(run);
        i += run - 1;
      }
      inWord = true;
    } else if (char === '"') {
      if (quoted && text[i + 1] === '"') {
        word += '"';
        i++;
      } else quoted = !quoted;
      inWord = true;
    } else if (!quoted && (char === ' ' || char === '\t' || char === '\n' || char === '\r')) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quoted) throw unterminated('"');
  if (inWord) words.push(word);
  return words;
}

function unterminated(quote: string): NupkgSigningError {
  return new NupkgSigningError('NUPKG003', `The sign command has an unterminated ${quote} quote.`);
}
