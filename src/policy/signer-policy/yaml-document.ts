import type { CST } from 'yaml';
import {
  Composer,
  Lexer,
  Parser,
  YAMLParseError,
  type Document,
  type LineCounter,
  type ParseOptions,
  type DocumentOptions,
  type SchemaOptions,
} from 'yaml';
import { YamlNestingBound } from './yaml-nesting.js';

export type BoundedYaml =
  | { readonly document: Document.Parsed }
  | { readonly tooDeepAtLine: number; readonly document?: undefined };

/**
 * `yaml`'s parseDocument, with each lexer token checked by {@link YamlNestingBound} before the
 * parser takes it (the pipeline the library documents for a user-provided lexer), so a text nested
 * deeper than `maxNesting` stops at the line where it does, before anything recurses, and the text
 * is lexed only once.
 */
export function parseBoundedYaml(
  text: string,
  counter: LineCounter,
  maxNesting: number,
  options: ParseOptions & DocumentOptions & SchemaOptions,
): BoundedYaml {
  const bound = new YamlNestingBound(maxNesting);
  const parser = new Parser(counter.addNewLine);
  counter.addNewLine(0);
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    if (!bound.accept(lexeme)) return { tooDeepAtLine: bound.line };
    tokens.push(...parser.next(lexeme));
  }
  tokens.push(...parser.end());

  let document: Document.Parsed | undefined;
  for (const next of new Composer(options).compose(tokens, true, text.length)) {
    if (!document) document = next;
    else {
      document.errors.push(
        new YAMLParseError(
          [next.range[0], next.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  // compose(…, forceDoc) always yields a document, even for an empty text.
  if (!document) throw new Error('the YAML composer produced no document');
  return { document };
}
