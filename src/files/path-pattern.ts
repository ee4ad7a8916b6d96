import { isAbsolute, resolve } from 'node:path';

/**
 * A FILE|DIR|GLOB argument as a starting directory and the path segments below it. Matching is
 * segment by segment (`**` is any number of directories, `*` and `?` stay within one name), so a
 * walk can stop descending where no match is possible, and reach a directory in a known state.
 */
export interface PathPattern {
  /** The absolute directory where matching starts: the part of the argument before any glob. */
  readonly base: string;
  readonly matcher: SegmentMatcher;
  /** Whether matches are shown as absolute paths (the argument was absolute), else relative. */
  readonly absolute: boolean;
}

/** The pattern positions still open after the names consumed so far (sorted, no duplicates). */
export type MatchState = readonly number[];

/** `*`, `?` or `[` make an argument a glob (`[` is matched literally, as before). */
export function isGlob(text: string): boolean {
  return /[*?[]/.test(text);
}

/**
 * Splits a glob argument at the last separator before its first glob character: `/**\/x` starts
 * at `/` (not the working directory), `//**\/x` too (repeated separators are one), `a/b*\/c` at
 * `a`. Both `/` and `\` separate.
 */
export function parseGlobArgument(arg: string, cwd: string): PathPattern {
  const firstGlob = arg.search(/[*?[]/);
  const head = firstGlob < 0 ? arg : arg.slice(0, firstGlob);
  const cut = Math.max(head.lastIndexOf('/'), head.lastIndexOf('\\')) + 1;
  const prefix = arg.slice(0, cut);
  return {
    base: resolve(cwd, prefix === '' ? '.' : prefix),
    matcher: new SegmentMatcher(splitSegments(arg.slice(cut))),
    absolute: isAbsolute(arg),
  };
}

/** A directory argument means every `*.nupkg` below it, at any depth: `DIR/**\/*.nupkg`. */
export function directoryPattern(arg: string, cwd: string): PathPattern {
  return {
    base: resolve(cwd, arg),
    matcher: new SegmentMatcher(['**', '*.nupkg']),
    absolute: isAbsolute(arg),
  };
}

function splitSegments(rest: string): string[] {
  return rest.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
}

type Segment = { readonly globstar: true } | { readonly globstar: false; readonly name: RegExp };

/**
 * Matches a path one name at a time, as a small automaton over the pattern's segments: the state
 * is the set of segments that could match the next name. Bounded by the pattern's length, so two
 * visits of one directory in the same state give the same matches.
 */
export class SegmentMatcher {
  private readonly segments: readonly Segment[];
  /** Each distinct state once: directories share their state, and its number keys visits. */
  private readonly states = new Map<string, { state: MatchState; id: number }>();
  private readonly ids = new WeakMap<MatchState, number>();

  constructor(patternSegments: readonly string[]) {
    this.segments = patternSegments.map((segment) =>
      segment === '**' ? { globstar: true } : { globstar: false, name: nameToRegExp(segment) },
    );
  }

  /** The state before any name: at the base directory. */
  start(): MatchState {
    return this.close([0]);
  }

  /** The state after one more name (a directory entry) below the current one. */
  step(state: MatchState, name: string): MatchState {
    const next: number[] = [];
    for (const position of state) {
      const segment = this.segments[position];
      if (segment === undefined) continue;
      if (segment.globstar) next.push(position);
      else if (segment.name.test(name)) next.push(position + 1);
    }
    return this.close(next);
  }

  /** The path consumed so far matches the whole pattern. */
  matches(state: MatchState): boolean {
    return state.includes(this.segments.length);
  }

  /** Some longer path could still match: worth descending into. */
  canDescend(state: MatchState): boolean {
    return state.some((position) => position < this.segments.length);
  }

  /** `**` also matches no directory at all: the position after it is open too. */
  private close(positions: readonly number[]): MatchState {
    const open: number[] = [];
    for (let position of positions) {
      if (!open.includes(position)) open.push(position);
      while (this.segments[position]?.globstar) {
        position++;
        if (!open.includes(position)) open.push(position);
      }
    }
    // States are tiny (at most one entry per segment): sorting keeps their keys canonical.
    if (open.length > 1) open.sort((a, b) => a - b);
    return this.intern(open);
  }

  /** A small number naming the state, the same for equal states. */
  stateId(state: MatchState): number {
    return this.ids.get(state) ?? (this.ids.get(this.intern(state)) as number);
  }

  private intern(state: MatchState): MatchState {
    const key = state.join(',');
    const known = this.states.get(key);
    if (known) return known.state;
    const id = this.states.size;
    this.states.set(key, { state, id });
    this.ids.set(state, id);
    return state;
  }
}

/** One name: `*` any run of characters, `?` one, anything else literal; case ignored, as before. */
function nameToRegExp(segment: string): RegExp {
  let source = '';
  for (const char of segment) {
    // `**` inside a name is one `*`: adjacent wildcards would only add backtracking.
    if (char === '*' && source.endsWith('.*')) continue;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}
