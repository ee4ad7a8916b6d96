import { createProgress } from '../../../src/cli/progress.js';
import type { CommandOutput } from '../../../src/cli/output.js';

const CLEAR = '\r\x1b[K';

function collector(stderrIsTerminal: boolean | undefined): CommandOutput & { err: string[] } {
  const err: string[] = [];
  return {
    err,
    stdout: () => undefined,
    stderr: (text) => err.push(text),
    ...(stderrIsTerminal === undefined ? {} : { stderrIsTerminal }),
  };
}

/** A run of `total` packages, one finishing every `stepMs`, on a clock the test moves. */
function runBatch(out: CommandOutput, total: number, stepMs: number, json = false): void {
  let now = 0;
  const progress = createProgress(out, { verb: 'Verified', json, clock: () => now });
  for (let done = 1; done <= total; done++) {
    now += stepMs;
    progress.update(done, total);
  }
  progress.finish();
}

describe('the batch progress line', () => {
  it('counts finished packages on a terminal, at most every 100 ms, and is erased at the end', () => {
    const out = collector(true);
    runBatch(out, 500, 10);
    expect(out.err.length).toBeGreaterThan(10);
    // 500 packages in 5 s: one redraw per 100 ms at most (the first after one interval).
    expect(out.err.length).toBeLessThanOrEqual(5000 / 100 + 1);
    expect(out.err[0]?.startsWith(CLEAR)).toBe(true);
    expect(out.err[0]?.slice(CLEAR.length)).toMatch(/^Verified \d+\/500 packages$/);
    expect(out.err.at(-1)).toBe(CLEAR);
  });

  it('writes nothing when stderr is not a terminal, or is not known to be one', () => {
    for (const terminal of [false, undefined]) {
      const out = collector(terminal);
      runBatch(out, 500, 10);
      expect(out.err).toEqual([]);
    }
  });

  it('writes nothing with --json, even on a terminal', () => {
    const out = collector(true);
    runBatch(out, 500, 10, true);
    expect(out.err).toEqual([]);
  });

  it('shows nothing for a batch that ends within the first interval, or a single package', () => {
    const quick = collector(true);
    runBatch(quick, 50, 1);
    expect(quick.err).toEqual([]);
    const single = collector(true);
    runBatch(single, 1, 1000);
    expect(single.err).toEqual([]);
  });
});
