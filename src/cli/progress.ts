import type { CommandOutput } from './output.js';

/** At most this often the line is redrawn: a fast batch must not spend its time on the terminal. */
const INTERVAL_MS = 100;
/** Carriage return and erase-to-end-of-line: the progress line overwrites itself. */
const CLEAR = '\r\x1b[K';

export interface Progress {
  /** `done` of `total` packages are finished. */
  readonly update: (done: number, total: number) => void;
  /** Erases the line, before the results are printed. */
  readonly finish: () => void;
}

const SILENT: Progress = { update: () => undefined, finish: () => undefined };

/**
 * A one-line count of finished packages on stderr, for a person watching a long batch: only when
 * stderr is a terminal and the output is not --json (a program reads that), redrawn at most every
 * 100 ms, and erased at the end so it never mixes with the results. It names no file: counts
 * only, so nothing from a package reaches the terminal's control sequences.
 */
export function createProgress(
  out: CommandOutput,
  options: { readonly verb: string; readonly json: boolean; readonly clock?: () => number },
): Progress {
  if (out.stderrIsTerminal !== true || options.json) return SILENT;
  const clock = options.clock ?? (() => performance.now());
  let shownAt: number | undefined;
  let shown = false;
  return {
    update: (done, total) => {
      const at = clock();
      if (total < 2 || (shownAt !== undefined && at - shownAt < INTERVAL_MS)) return;
      // The first draw waits one interval too: a short batch shows nothing at all.
      if (shownAt === undefined) {
        shownAt = at;
        return;
      }
      shownAt = at;
      shown = true;
      out.stderr(`${CLEAR}${options.verb} ${done}/${total} packages`);
    },
    finish: () => {
      if (shown) out.stderr(CLEAR);
      shown = false;
    },
  };
}
