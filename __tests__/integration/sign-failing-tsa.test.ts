import { performance } from 'node:perf_hooks';
import { runSigning, type SignRunOptions } from '../../src/run/sign-run.js';
import {
  hangAfterHeaders,
  startHostileServer,
  type HostileServer,
} from '../helpers/hostile-http-server.js';
import { createTestPki, type TestPki } from '../helpers/pki.js';
import { timestampAuthorityOf } from '../helpers/tsa.js';
import { startTsaServer, type TsaServer } from '../helpers/tsa-server.js';
import { useTempDir } from '../helpers/temp-files.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';

/**
 * A signing run of three packages against timestamp servers that fail: a failed server is
 * remembered for the rest of the run (a hanging one costs its timeout once, not per package),
 * and when every server fails the message gives each server's reason.
 */
const temp = useTempDir();
const TIMEOUT_MS = 1500;
let pki: TestPki;
let tsa: TsaServer;
let refusing: TsaServer;
let hanging: HostileServer;
let keyPem: string;
let chainPem: string;
let roots: string;
let counter = 0;

beforeAll(async () => {
  pki = await createTestPki();
  const authority = timestampAuthorityOf(pki);
  tsa = await startTsaServer(authority);
  refusing = await startTsaServer(authority, { mode: 'http500' });
  hanging = await startHostileServer(hangAfterHeaders());
  keyPem = pki.leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
  chainPem = `${pki.leaf.pem}\n${pki.intermediate.pem}\n`;
  roots = temp.write('roots.pem', `${pki.root.pem}\n${pki.tsaRoot.pem}\n`);
});
afterAll(async () => {
  await Promise.all([tsa?.close(), refusing?.close(), hanging?.close()]);
});

function threePackages(): string[] {
  const run = ++counter;
  return [0, 1, 2].map((i) =>
    temp.write(
      `run${run}.Stamp.${i}.1.0.0.nupkg`,
      buildZip({ entries: [nuspecEntry(`Stamp.${i}`, '1.0.0')] }),
    ),
  );
}

async function signAll(timestampUrls: string[], extra: Partial<SignRunOptions> = {}) {
  const packages = threePackages();
  const started = performance.now();
  const { outcomes } = await runSigning({
    packages,
    key: { privateKeyPem: keyPem, certificateChainPem: chainPem, source: 'test key' },
    hashAlgorithm: 'sha256',
    timestampUrls,
    timestampHashAlgorithm: 'sha256',
    overwrite: false,
    trustedRoots: [roots],
    allowUntrustedRoot: false,
    now: () => new Date(),
    timestampLimits: { timeoutMs: TIMEOUT_MS, retries: 0 },
    ...extra,
  });
  return { outcomes, elapsedMs: performance.now() - started };
}

describe('a signing run of three packages', () => {
  it('asks a hanging first server once, then timestamps every package with the next one', async () => {
    const asked = hanging.requests.length;
    const { outcomes, elapsedMs } = await signAll([hanging.url, tsa.url]);
    expect(outcomes.map((o) => [o.signed, o.error?.code])).toEqual([
      [true, undefined],
      [true, undefined],
      [true, undefined],
    ]);
    expect(outcomes.every((o) => o.timestampTime !== undefined)).toBe(true);
    expect(hanging.requests.length - asked).toBe(1);
    // One timeout for the run, not one per package.
    expect(elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsedMs).toBeLessThan(2 * TIMEOUT_MS + 3000);
  }, 20_000);

  it('fails every package at the cost of one timeout, naming each server and its reason', async () => {
    const asked = hanging.requests.length;
    const askedRefusing = refusing.requests.length;
    const { outcomes, elapsedMs } = await signAll([hanging.url, refusing.url]);
    expect(outcomes.map((o) => [o.signed, o.error?.code])).toEqual([
      [false, 'NUPKG006'],
      [false, 'NUPKG006'],
      [false, 'NUPKG006'],
    ]);
    expect(hanging.requests.length - asked).toBe(1);
    expect(refusing.requests.length - askedRefusing).toBe(1);
    expect(elapsedMs).toBeLessThan(2 * TIMEOUT_MS + 3000);
    for (const [index, outcome] of outcomes.entries()) {
      const message = outcome.error?.message ?? '';
      const again =
        index === 0 ? '' : ' (failed for an earlier package of this run; not asked again)';
      expect(message).toContain(
        `No timestamp server gave a timestamp. 1) ${hanging.url}: NUPKG006${again}: `,
      );
      expect(message).toContain(`${hanging.url} did not answer within ${TIMEOUT_MS} ms`);
      expect(message).toContain(
        `2) ${refusing.url}: NUPKG006${again}: The timestamp server ${refusing.url} answered HTTP 500`,
      );
      const remembered = message.match(/not asked again/g) ?? [];
      expect(remembered).toHaveLength(index === 0 ? 0 : 2);
    }
  }, 20_000);

  it('stops asking once the run deadline has passed, and says so for every server', async () => {
    const { outcomes } = await signAll([tsa.url], {
      timestampLimits: { timeoutMs: TIMEOUT_MS, retries: 0, runTimeoutMs: 0 },
    });
    expect(outcomes.map((o) => o.error?.code)).toEqual(['NUPKG006', 'NUPKG006', 'NUPKG006']);
    for (const outcome of outcomes) {
      expect(outcome.error?.message).toContain('the total time limit was reached');
    }
  });
});
