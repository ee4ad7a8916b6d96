/**
 * Runs `task` for indexes 0..count-1 with at most `limit` in flight, started in index order, and
 * returns the outcomes in index order. Once an outcome `stops` the run, no further index is
 * started; those in flight finish, and the outcomes from 0 up to the first stop are returned, so
 * the caller sees what a one-at-a-time loop would have seen.
 */
export async function mapInOrder<T>(
  count: number,
  limit: number,
  task: (index: number) => Promise<T>,
  stops: (outcome: T) => boolean,
): Promise<T[]> {
  const outcomes: T[] = new Array<T>(count);
  let next = 0;
  let stopped = false;
  const lane = async (): Promise<void> => {
    while (!stopped && next < count) {
      const index = next++;
      const outcome = await task(index);
      outcomes[index] = outcome;
      if (stops(outcome)) stopped = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, lane));
  const done: T[] = [];
  for (let index = 0; index < count; index++) {
    if (!(index in outcomes)) break;
    const outcome = outcomes[index] as T;
    done.push(outcome);
    if (stops(outcome)) break;
  }
  return done;
}
