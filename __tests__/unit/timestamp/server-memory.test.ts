import { TimestampServerMemory } from '../../../src/timestamp/server-memory.js';
import { NupkgSigningError } from '../../../src/errors.js';

const URL_A = 'http://127.0.0.1:1/a';

/** Lets every pending promise callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TimestampServerMemory turns', () => {
  it('lets one package at a time ask a server that has not answered yet', async () => {
    const memory = new TimestampServerMemory();
    const endFirst = await memory.turnToAsk(URL_A);
    let secondStarted = false;
    const second = memory.turnToAsk(URL_A).then((end) => {
      secondStarted = true;
      return end;
    });
    await settle();
    expect(secondStarted).toBe(false);
    endFirst();
    (await second)();
    expect(secondStarted).toBe(true);
  });

  it('shows the waiting package the failure the first one met, so it does not ask again', async () => {
    const memory = new TimestampServerMemory();
    const endFirst = await memory.turnToAsk(URL_A);
    const second = memory.turnToAsk(URL_A);
    memory.remember(URL_A, new NupkgSigningError('NUPKG006', 'no answer'));
    endFirst();
    (await second)();
    expect(memory.failureOf(URL_A)?.code).toBe('NUPKG006');
  });

  it('stops queueing once the server has answered', async () => {
    const memory = new TimestampServerMemory();
    const endFirst = await memory.turnToAsk(URL_A);
    memory.answered(URL_A);
    endFirst();
    // Both turns start at once, neither waits for the other to end.
    const turns = await Promise.all([memory.turnToAsk(URL_A), memory.turnToAsk(URL_A)]);
    expect(turns).toHaveLength(2);
  });
});
