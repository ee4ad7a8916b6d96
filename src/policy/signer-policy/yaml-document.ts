import type { CST } from 'yaml';
import {
  Composer,
  Lexer,
  Parser,
  YAMLParseError,
  type Document,
  type DocumentOptions,
  type LineCounter,
  type ParseOptions,
  type SchemaOptions,
} from 'yaml';
import { YamlBounds, type YamlLimits } from './yaml-bounds.js';

export interface BoundedYamlLimits extends YamlLimits {
  /** Problems the composer may report before it is stopped. */
  readonly maxErrors: number;
}

export type BoundedYaml =
  | { readonly document: Document.Parsed }
  /** A bound was passed while lexing: nothing was parsed. */
  | { readonly refused: { readonly line: number; readonly problem: string } }
  /** The composer reported `maxErrors` problems and was stopped: the first ones. */
  | { readonly errors: readonly YAMLParseError[] };

/**
 * `yaml`'s parseDocument in bounded time and memory. Each lexer token is checked by
 * {@link YamlBounds} before the parser takes it (the pipeline the library documents for a
 * user-provided lexer), so a text nested too deeply or made of too many tokens stops at the line
 * where it does, before anything recurses or is built; and the composer is stopped after
 * `maxErrors` problems, since it reports one per bad token and each costs about 1 KB.
 */
export function parseBoundedYaml(
  text: string,
  counter: LineCounter,
  limits: BoundedYamlLimits,
  options: ParseOptions & DocumentOptions & SchemaOptions,
): BoundedYaml {
  const bounds = new YamlBounds(limits);
  const parser = new Parser(counter.addNewLine);
  counter.addNewLine(0);
  const tokens: CST.Token[] = [];
  // Tokens the parser could not place come out at stream level, one per token, without passing
  // through the composer's onError: count them here.
  const misplaced: YAMLParseError[] = [];
  const take = (token: CST.Token): boolean => {
    tokens.push(token);
    if (token.type === 'error') {
      const end = token.offset + token.source.length;
      misplaced.push(new YAMLParseError([token.offset, end], 'UNEXPECTED_TOKEN', token.message));
    }
    return misplaced.length < limits.maxErrors;
  };
  for (const lexeme of new Lexer().lex(text)) {
    if (!bounds.accept(lexeme))
      return { refused: { line: bounds.line, problem: bounds.problem ?? 'too complex' } };
    for (const token of parser.next(lexeme)) if (!take(token)) return { errors: misplaced };
  }
  for (const token of parser.end()) if (!take(token)) return { errors: misplaced };

  const composer = new Composer(options);
  const errors = stopAfterErrors(composer, limits.maxErrors);
  let document: Document.Parsed | undefined;
  try {
    for (const next of composer.compose(tokens, true, text.length)) {
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
  } catch (error) {
    if (error instanceof TooManyErrors) return { errors: errors() };
    throw error;
  }
  // compose(…, forceDoc) always yields a document, even for an empty text.
  if (!document) throw new Error('the YAML composer produced no document');
  return { document };
}

class TooManyErrors extends Error {}

/**
 * The composer has no option to stop early; every problem goes through its `onError` callback
 * (an instance field in yaml 2.x, pinned in package.json), so wrap that to count and stop.
 * Returns a reader of the errors collected so far.
 */
function stopAfterErrors(composer: Composer, max: number): () => YAMLParseError[] {
  const report: unknown = Reflect.get(composer, 'onError');
  const collected: unknown = Reflect.get(composer, 'errors');
  if (typeof report !== 'function' || !Array.isArray(collected))
    throw new Error('this version of the yaml library has no Composer.onError to bound');
  let count = 0;
  Reflect.set(composer, 'onError', (...args: unknown[]) => {
    Reflect.apply(report, composer, args);
    count += 1;
    // Warnings count too: a directive per line warns once per line.
    if (count >= max) throw new TooManyErrors();
  });
  return () => collected.filter((e): e is YAMLParseError => e instanceof YAMLParseError);
}
