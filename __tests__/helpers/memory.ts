/**
 * Runs `work` while sampling this process's RSS every 10 ms: returns its result and the largest
 * growth over the RSS at the start (what a streaming bound must keep small).
 */
export async function peakRssGrowth<T>(
  work: () => Promise<T>,
): Promise<{ result: T; growth: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - before };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * JavaScript source for a child process (an ES module) to learn its own peak RSS in KiB: put
 * `CHILD_PEAK_RSS.imports` at its top and evaluate `CHILD_PEAK_RSS.expression`. On Linux it reads
 * VmHWM, the high-water mark of the memory of the program the child runs: getrusage's maxRSS there
 * keeps the parent's RSS at fork across exec, so a child of a 260 MiB test worker would report at
 * least 260 MiB whatever it did. Elsewhere it is maxRSS.
 */
export const CHILD_PEAK_RSS = {
  imports: "import { readFileSync as readPeakStatus } from 'node:fs';",
  expression:
    "((status) => (status ? Number(status[1]) : process.resourceUsage().maxRSS))(process.platform === 'linux' ? /VmHWM:\\s+(\\d+) kB/.exec(readPeakStatus('/proc/self/status', 'utf8')) : null)",
} as const;
