import {
  isMap,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';

/**
 * Maps a path inside the parsed YAML (as ajv reports it, or as we build it) back to a line
 * number, so every refusal can say "policy.yml:12: accounts.contoso.certificates[1]: …".
 */

export type PathSegment = string | number;

export interface Locator {
  /** 1-based line of the node at `path`, or of its key when `atKey` is set. */
  line(path: readonly PathSegment[], atKey?: boolean): number | undefined;
  /** "file:line: dotted.path: message" (the line is left out when unknown). */
  message(path: readonly PathSegment[], text: string, atKey?: boolean): string;
}

export function createLocator(fileName: string, doc: Document, counter: LineCounter): Locator {
  const keys = new KeyIndex();
  const line = (path: readonly PathSegment[], atKey = false): number | undefined => {
    const found = find(doc.contents as Node | null, path, atKey, keys);
    const offset = found?.range?.[0];
    return offset === undefined ? undefined : counter.linePos(offset).line;
  };
  return {
    line,
    message(path, text, atKey = false) {
      const at = line(path, atKey) ?? nearestLine(path, line);
      const where = at === undefined ? fileName : `${fileName}:${at}`;
      return path.length === 0 ? `${where}: ${text}` : `${where}: ${formatPath(path)}: ${text}`;
    },
  };
}

/** A missing node (e.g. a required key) is reported at its closest existing parent. */
function nearestLine(
  path: readonly PathSegment[],
  line: (path: readonly PathSegment[]) => number | undefined,
): number | undefined {
  for (let n = path.length - 1; n >= 0; n--) {
    const at = line(path.slice(0, n));
    if (at !== undefined) return at;
  }
  return undefined;
}

/**
 * Each mapping's keys, indexed the first time a path goes through it. Every account, certificate
 * and rule asks for its line, so a linear search of `accounts` per question made loading a policy
 * with thousands of accounts quadratic (a 4.7 MB file took minutes).
 */
class KeyIndex {
  private readonly byMap = new WeakMap<YAMLMap, Map<string, Pair>>();

  pair(map: YAMLMap, key: string): Pair | undefined {
    let index = this.byMap.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        // The first occurrence wins, as a linear search would find it.
        if (!isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        if (!index.has(name)) index.set(name, pair);
      }
      this.byMap.set(map, index);
    }
    return index.get(key);
  }
}

function find(
  root: Node | null,
  path: readonly PathSegment[],
  atKey: boolean,
  keys: KeyIndex,
): Node | undefined {
  let node: Node | null | undefined = root;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = keys.pair(node, String(segment));
      if (!pair) return undefined;
      if (last && atKey) return pair.key as Node;
      node = pair.value as Node | null;
      // `key:` with no value has a null value node; point at the key instead.
      if (node === null) return pair.key as Node;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)] as Node | undefined;
    } else {
      return undefined;
    }
  }
  return node ?? undefined;
}

/** accounts.contoso.certificates[1].fingerprint */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** "/accounts/contoso/certificates/1" → ['accounts', 'contoso', 'certificates', 1] (RFC 6901). */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path.push(Number(segment));
      node = node[Number(segment)];
    } else {
      path.push(segment);
      node =
        node !== null && typeof node === 'object'
          ? (node as Record<string, unknown>)[segment]
          : undefined;
    }
  }
  return path;
}
