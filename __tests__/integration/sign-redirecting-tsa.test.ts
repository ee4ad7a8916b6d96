import { main } from '../../src/cli/main.js';
import {
  redirectTo,
  startHostileServer,
  streamBody,
  type HostileServer,
} from '../helpers/hostile-http-server.js';
import {
  createShadowSdk,
  describeWithDotnet,
  haveDotnet,
  runDotnetAsync,
} from '../helpers/dotnet-shadow-sdk.js';
import { createTestPki, type TestPki } from '../helpers/pki.js';
import { timestampAuthorityOf } from '../helpers/tsa.js';
import { startTsaServer, type TsaServer } from '../helpers/tsa-server.js';
import { useTempDir } from '../helpers/temp-files.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';

/**
 * `nupkg-signing sign` through a timestamp server that has moved (307/308 to the real one), and
 * against one that answers without end: the first signs a package that our verify and
 * `dotnet nuget verify --all` accept, the second fails fast with a coded error.
 */
const temp = useTempDir();
let pki: TestPki;
let tsa: TsaServer;
let files: { key: string; chain: string; roots: string };
const fronts: HostileServer[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  tsa = await startTsaServer(timestampAuthorityOf(pki));
  files = {
    key: temp.write(
      'leaf.key.pem',
      pki.leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString(),
    ),
    chain: temp.write('chain.pem', `${pki.leaf.pem}\n${pki.intermediate.pem}\n`),
    roots: temp.write('roots.pem', `${pki.root.pem}\n${pki.tsaRoot.pem}\n`),
  };
});
afterAll(async () => {
  await Promise.all(fronts.map((front) => front.close()));
  await tsa?.close();
});

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => (stdout += text),
    stderr: (text: string) => (stderr += text),
  };
  const code = await main(argv, io, new Date());
  return { code, output: `${stdout}${stderr}` };
}

async function signThrough(timestamper: string, name: string) {
  const path = temp.write(`${name}.nupkg`, buildZip({ entries: [nuspecEntry(name, '1.0.0')] }));
  const signed = await cli(
    'sign',
    '--private-key',
    files.key,
    '--certificate-chain',
    files.chain,
    '--trusted-roots',
    files.roots,
    '--timestamper',
    timestamper,
    path,
  );
  return { path, signed };
}

async function front(status: number, location: string): Promise<HostileServer> {
  const server = await startHostileServer(redirectTo(status, location));
  fronts.push(server);
  return server;
}

describe('sign through a timestamp server that redirects', () => {
  it.each([307, 308])('signs after HTTP %s and the package verifies', async (status) => {
    const moved = await front(status, tsa.url);
    const { path, signed } = await signThrough(moved.url, `Redirected.Tsa${status}`);
    expect(signed.output).toContain(`${path}: signed`);
    expect(signed.code).toBe(0);
    expect(moved.requests).toHaveLength(1);

    const verified = await cli('verify', '--trusted-roots', files.roots, path);
    expect(verified.output).toContain('1 valid, 0 invalid');
    expect(verified.code).toBe(0);
  });

  it('fails with NUPKG006 in bounded time against a TSA that answers without end', async () => {
    const endless = await startHostileServer(streamBody());
    fronts.push(endless);
    const started = Date.now();
    const { signed } = await signThrough(endless.url, 'Endless.Tsa');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(signed.code).toBe(1);
    expect(signed.output).toContain(
      `NUPKG006: The timestamp server ${endless.url} sent more than 4194304 bytes, the limit for a timestamp response`,
    );
  });
});

describeWithDotnet('dotnet nuget verify --all on a package timestamped through a redirect', () => {
  it('verifies it', async () => {
    const moved = await front(308, tsa.url);
    const { path, signed } = await signThrough(moved.url, 'Redirected.Dotnet');
    expect(signed.code).toBe(0);
    const shadow = createShadowSdk(
      temp.path('sdk'),
      `${pki.root.pem}\n${pki.intermediate.pem}`,
      pki.tsaRoot.pem,
    );
    const output = await runDotnetAsync(['nuget', 'verify', '--all', '-v', 'n', path], shadow);
    expect(output).toContain("Successfully verified package 'Redirected.Dotnet.1.0.0'.");
  }, 120_000);
});

if (!haveDotnet) console.warn('Skipping the dotnet check: `dotnet` is not on PATH.');
