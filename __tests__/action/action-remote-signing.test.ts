import { constants, privateEncrypt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
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
import { workspaceWithPackages } from '../helpers/workspace.js';
import { commandLines } from '../helpers/action-bundle.js';
import { runActionAsRunner as runAction, type RunnerRun } from '../helpers/action-inputs.js';

/**
 * The action (run in-process as the runner starts it) signing with keys it never holds (docs/remote-signing.md): `sign-url` against
 * a key service on 127.0.0.1 that speaks the documented protocol and wants a bearer token, and
 * `sign-command` given as lines (one argument each) running a small node script. The packages pass
 * our verify (sign-and-verify) and `dotnet nuget verify --all`; the token and the key never
 * appear in anything the step prints or writes.
 */
const temp = useTempDir();
const TOKEN = 'sign-token-7f3a9c-never-printed';
const KEY_ID = 'projects/p/keys/release';

let pki: TestPki;
let tsa: TsaServer;
let service: KeyService;
let files: { chainPem: string; roots: string; key: string; keyPem: string; script: string };
let counter = 0;

interface KeyService {
  readonly url: string;
  readonly requests: { authorization: string | undefined; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** The HTTP transport's server side: POST JSON in, {"signature"} out, 401 without the token. */
async function startKeyService(): Promise<KeyService> {
  const requests: KeyService['requests'] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      requests.push({ authorization: request.headers.authorization, body });
      if (request.headers.authorization !== `Bearer ${TOKEN}`) {
        response.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"nope"}');
        return;
      }
      const signature = privateEncrypt(
        { key: pki.leaf.keyObject, padding: constants.RSA_PKCS1_PADDING },
        Buffer.from(String(body['digestInfo']), 'base64'),
      );
      response
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ signature: signature.toString('base64') }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sign`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** A signer command: raw RSA over the DigestInfo from stdin; refuses to run with INPUT_* set. */
const SIGNER_SCRIPT = `
const crypto = require('node:crypto');
const fs = require('node:fs');
if (Object.keys(process.env).some((name) => /^INPUT_/i.test(name))) process.exit(7);
if (process.env.NUPKG_SIGNING_KEY_ID !== process.argv[3]) process.exit(9);
const request = JSON.parse(fs.readFileSync(0, 'utf8'));
const key = fs.readFileSync(process.argv[2], 'utf8');
const block = Buffer.from(request.digestInfo, 'base64');
process.stdout.write(crypto.privateEncrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, block).toString('base64'));
`;

beforeAll(async () => {
  pki = await createTestPki();
  tsa = await startTsaServer(timestampAuthorityOf(pki));
  service = await startKeyService();
  const keyPem = pki.leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
  files = {
    chainPem: `${pki.leaf.pem}\n${pki.intermediate.pem}\n`,
    roots: temp.write('roots.pem', `${pki.root.pem}\n${pki.tsaRoot.pem}\n`),
    keyPem,
    // Spaces in both paths: each line is one argument, never split.
    key: temp.write('signing key.pem', keyPem),
    script: temp.write('my signer.cjs', SIGNER_SCRIPT),
  };
}, 240_000);
afterAll(async () => {
  await Promise.all([service?.close(), tsa?.close()]);
});

function workspaceWith(count: number, name: string): string {
  return workspaceWithPackages(temp.path(`workspace-${++counter}`), count, name);
}

/**
 * Everything the step left for people to read: stdout except the ::add-mask:: commands (the
 * runner consumes those), stderr, the outputs, the job summary and the results file.
 */
function everythingPrinted(run: RunnerRun): string {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  const results = run.outputs.results ? readFileSync(run.outputs.results, 'utf8') : '';
  return [stdout, run.stderr, JSON.stringify(run.outputs), run.summary, results].join('\n');
}

function expectNoSecretIn(run: RunnerRun): void {
  const printed = everythingPrinted(run);
  expect(printed).not.toContain(TOKEN);
  expect(printed).not.toContain('PRIVATE KEY');
  for (const line of files.keyPem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-')))
    expect(printed).not.toContain(line);
}

async function expectDotnetVerifies(paths: readonly string[]): Promise<void> {
  if (!haveDotnet) return;
  const shadow = createShadowSdk(
    temp.path(`sdk-${++counter}`),
    `${pki.root.pem}\n${pki.intermediate.pem}`,
    pki.tsaRoot.pem,
  );
  for (const path of paths) {
    const output = await runDotnetAsync(['nuget', 'verify', '--all', '-v', 'n', path], shadow);
    expect(output).toMatch(/Successfully verified package '.+'\./);
  }
}

describe('the action in sign-and-verify mode with a remote signer', () => {
  it('signs through sign-url with the token, timestamps, verifies, and never shows the token', async () => {
    const workspace = workspaceWith(2, 'Remote.Url');
    const asked = service.requests.length;
    const result = await runAction({
      cwd: workspace,
      inputs: {
        mode: 'sign-and-verify',
        packages: 'out/*.nupkg',
        'sign-url': service.url,
        'sign-token': TOKEN,
        'sign-key-id': KEY_ID,
        'certificate-chain': files.chainPem,
        'timestamp-urls': tsa.url,
        'trusted-roots': files.roots,
      },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.outputs.valid).toBe('true');
    expect(result.outputs.fingerprints).toBe(pki.leaf.fingerprintSha256);
    expect(result.outputs['signed-packages']?.split('\n')).toEqual([
      'out/Remote.Url.0.1.0.0.nupkg',
      'out/Remote.Url.1.1.0.0.nupkg',
    ]);
    const requests = service.requests.slice(asked);
    expect(requests).toHaveLength(2);
    expect(requests.map((r) => [r.authorization, r.body['keyId']])).toEqual([
      [`Bearer ${TOKEN}`, KEY_ID],
      [`Bearer ${TOKEN}`, KEY_ID],
    ]);
    // The mask comes before anything else the step prints.
    expect(result.stdout.split('\n')[0]).toBe(`::add-mask::${TOKEN}`);
    expectNoSecretIn(result);
    await expectDotnetVerifies([
      join(workspace, 'out/Remote.Url.0.1.0.0.nupkg'),
      join(workspace, 'out/Remote.Url.1.1.0.0.nupkg'),
    ]);
  }, 180_000);

  it('signs through sign-command lines, one argument per line, with no INPUT_* variable', async () => {
    const workspace = workspaceWith(1, 'Remote.Command');
    const result = await runAction({
      cwd: workspace,
      inputs: {
        mode: 'sign-and-verify',
        packages: 'out/*.nupkg',
        'sign-command': `${process.execPath}\n  ${files.script}\n${files.key}\n${KEY_ID}\n`,
        'sign-key-id': KEY_ID,
        'certificate-chain': temp.write('chain.pem', files.chainPem),
        'timestamp-urls': tsa.url,
        'trusted-roots': files.roots,
      },
    });
    expect(commandLines(result.stdout, 'error')).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.outputs.valid).toBe('true');
    expect(result.outputs['signed-packages']).toBe('out/Remote.Command.0.1.0.0.nupkg');
    expectNoSecretIn(result);
    await expectDotnetVerifies([join(workspace, 'out/Remote.Command.0.1.0.0.nupkg')]);
  }, 180_000);

  it('fails the package with NUPKG006 naming the token, not showing it, when the service refuses it', async () => {
    const workspace = workspaceWith(1, 'Remote.Refused');
    const wrong = `${TOKEN}-revoked`;
    const result = await runAction({
      cwd: workspace,
      inputs: {
        mode: 'sign-and-verify',
        packages: 'out/*.nupkg',
        'sign-url': service.url,
        'sign-token': wrong,
        'certificate-chain': files.chainPem,
        'trusted-roots': files.roots,
      },
    });
    expect(result.code).toBe(1);
    expect(result.outputs.valid).toBe('false');
    const printed = everythingPrinted(result);
    expect(printed).toContain('NUPKG006');
    expect(printed).toContain('answered HTTP 401');
    expect(printed).toContain('check the bearer token');
    expect(printed).not.toContain(wrong);
    expect(printed).not.toContain(TOKEN);
  }, 60_000);
});

describe('the action with bad remote-signing inputs', () => {
  it.each([
    [
      'two key sources',
      { 'sign-url': 'http://127.0.0.1:9/sign', 'private-key': 'x', 'certificate-chain': 'x' },
      "Set exactly one signing key source, not 'private-key' and 'sign-url'.",
    ],
    [
      'a remote signer without the chain',
      { 'sign-url': 'http://127.0.0.1:9/sign' },
      "Input 'sign-url' needs 'certificate-chain'",
    ],
    [
      'a token without sign-url',
      { 'sign-command': 'signer', 'sign-token': TOKEN, 'certificate-chain': 'x' },
      "Input 'sign-token' is sent only to 'sign-url'",
    ],
  ])(
    'fails with one NUPKG003 message for %s',
    async (_, given, message) => {
      const workspace = workspaceWith(1, 'Remote.Bad');
      const result = await runAction({
        cwd: workspace,
        inputs: { mode: 'sign', packages: 'out/*.nupkg', ...given },
      });
      expect(result.code).toBe(1);
      const errors = commandLines(result.stdout, 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('NUPKG003');
      expect(errors[0]).toContain(message);
      expect(everythingPrinted(result)).not.toContain(TOKEN);
    },
    60_000,
  );
});

describeWithDotnet('dotnet', () => {
  it('is on PATH, so the packages above were also checked by dotnet nuget verify --all', () => {
    expect(haveDotnet).toBe(true);
  });
});
