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
