import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  visit,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml';
import { describeError, NupkgSigningError } from '../../errors.js';
import { LIMITS } from '../../limits.js';
import { buildPolicy, type BuildOptions, type RawPolicy } from './build-policy.js';
import type { SignerPolicy } from './model.js';
import { schemaProblems } from './schema-errors.js';
import { createLocator, formatPath, type PathSegment } from './yaml-locate.js';
import { parseBoundedYaml } from './yaml-document.js';

export type ParsePolicyOptions = BuildOptions;

/**
 * Parses a policy file's text. Throws NUPKG005 listing every problem, one "file:line: path: why"
 * per line, so a CI log points straight at what to fix. Pure apart from `readCertificateFile`.
 */
export function parsePolicy(text: string, options: ParsePolicyOptions): SignerPolicy {
  try {
    return parseBoundedPolicy(text, options);
  } catch (error) {
    // The nesting bound keeps every recursion shallow; should one still overflow, say so with a code.
    if (error instanceof RangeError) {
      refuse(options.fileName, [
        `${options.fileName}: the file is too complex to read (${error.message})`,
      ]);
    }
    throw error;
  }
}

function parseBoundedPolicy(text: string, options: ParsePolicyOptions): SignerPolicy {
  const counter = new LineCounter();
  // Duplicate keys are found below, so we can name them and treat account names case-insensitively.
  const parsed = parseBoundedYaml(
    text,
    counter,
    {
      maxNesting: LIMITS.maxConfigNesting,
      maxTokens: LIMITS.maxPolicyTokens,
      // One line is left for saying that reading stopped.
      maxErrors: MAX_LISTED_PROBLEMS - 1,
    },
    { uniqueKeys: false },
  );
  if ('refused' in parsed) {
    refuse(options.fileName, [
      `${options.fileName}:${parsed.refused.line}: ${parsed.refused.problem}; check that it is the right file`,
    ]);
  }
  if ('errors' in parsed) {
    refuse(options.fileName, [
      ...parsed.errors.map((e) => yamlProblem(options.fileName, counter, e)),
      `${options.fileName}: stopped reading after ${MAX_LISTED_PROBLEMS - 1} problems and warnings`,
    ]);
  }
  if (parsed.document.errors.length > 0) {
    refuse(
      options.fileName,
      parsed.document.errors.map((e) => yamlProblem(options.fileName, counter, e)),
    );
  }
  const doc = parsed.document;
  const locator = createLocator(options.fileName, doc, counter);
  const lineOf = (node: Node): number => counter.linePos(node.range?.[0] ?? 0).line;
  const duplicates = duplicateKeys(doc.contents as Node | null, []).map(({ path, node, first }) => {
    const isAccount = path.length === 2 && path[0] === 'accounts';
    const what = isAccount ? 'duplicate account' : 'duplicate key';
    const hint = isAccount ? '; nuget.org usernames are case-insensitive' : '';
    return `${options.fileName}:${lineOf(node)}: ${formatPath(path)}: ${what} (first at line ${lineOf(first)}${hint})`;
  });
  if (duplicates.length > 0) refuse(options.fileName, duplicates);

  keepFingerprintsAsText(doc);
  let data: unknown;
  try {
    // Aliases expand here; the library refuses one that would expand exponentially (an alias bomb).
    data = doc.toJS();
  } catch (error) {
    refuse(options.fileName, [`${options.fileName}: ${describeError(error)}`]);
  }
  if (data === null || data === undefined)
    refuse(options.fileName, [`${options.fileName}: the file is empty`]);
  const invalid = schemaProblems(data, locator);
  if (invalid.length > 0) refuse(options.fileName, invalid);

  const { policy, problems } = buildPolicy(data as RawPolicy, locator, options);
  if (!policy) refuse(options.fileName, problems);
  return policy;
}

/** Enough to fix a file in one go; a generated or hostile file could have millions. */
const MAX_LISTED_PROBLEMS = 100;

function refuse(fileName: string, problems: readonly string[]): never {
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  if (problems.length > listed.length) listed.push(`… and ${problems.length - listed.length} more`);
  throw new NupkgSigningError(
    'NUPKG005',
    `policy file ${fileName} has ${count}:\n${listed.join('\n')}`,
    { file: fileName },
  );
}

function yamlProblem(fileName: string, counter: LineCounter, error: YAMLError): string {
  return `${fileName}:${counter.linePos(error.pos[0]).line}: ${firstLine(error.message)}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

interface DuplicateKey {
  readonly path: PathSegment[];
  readonly node: Node;
  readonly first: Node;
}

/** Repeated keys in any mapping; under `accounts` the comparison ignores case. */
function duplicateKeys(node: Node | null, path: PathSegment[]): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  if (isMap(node)) {
    const caseless = path.length === 1 && path[0] === 'accounts';
    const seen = new Map<string, Node>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const compare = caseless ? key.toLowerCase() : key;
      const first = seen.get(compare);
      if (first) found.push({ path: [...path, key], node: pair.key, first });
      else seen.set(compare, pair.key);
      found.push(...duplicateKeys(pair.value as Node | null, [...path, key]));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) =>
      found.push(...duplicateKeys(item as Node | null, [...path, i])),
    );
  }
  return found;
}

/**
 * A plain-scalar fingerprint made only of digits (or digits and one "e") would load as a YAML
 * number; fingerprints are text, so take the characters as written.
 */
function keepFingerprintsAsText(doc: Document): void {
  visit(doc, {
    Pair(_, pair) {
      if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value)) return;
      const key = String(pair.key.value);
      if ((key === 'fingerprint' || key === 'chainsTo') && typeof pair.value.value === 'number') {
        pair.value.value = pair.value.source ?? String(pair.value.value);
      }
    },
  });
}
