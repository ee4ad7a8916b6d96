/**
 * Signing with a key generated inside a SoftHSM2 token, through OpenSC's pkcs11-tool: from the
 * CLI bundle and from the action bundle, verified by us and by `dotnet nuget verify --all`, with
 * the PIN in no output stream and on no command line; and the setup mistakes users make.
 */
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSigning, type SignRunOptions } from '../../src/run/sign-run.js';
import type { Pkcs11Target } from '../../src/sign/pkcs11/pkcs11-signer.js';
import { commandLines } from '../helpers/action-bundle.js';
import { runActionAsRunner } from '../helpers/action-inputs.js';
import { buildCliBundle, runCliBundle, type CliBundle } from '../helpers/cli-bundle.js';
import {
  createShadowSdk,
  haveDotnet,
  runDotnet,
  type DotnetRun,
} from '../helpers/dotnet-shadow-sdk.js';
import { createTestPki, type TestCertificate, type TestPki } from '../helpers/pki.js';
import { timestampAuthorityOf } from '../helpers/tsa.js';
import { startTsaServer, type TsaServer } from '../helpers/tsa-server.js';
import { useTempDir } from '../helpers/temp-files.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';

const MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
];
const MODULE = MODULE_CANDIDATES.find((path) => existsSync(path));
const havePkcs11Tool = spawnSync('pkcs11-tool', ['--help']).error === undefined;
const haveSoftHsm = spawnSync('softhsm2-util', ['--version']).status === 0;
const haveToken = MODULE !== undefined && havePkcs11Tool && haveSoftHsm;
if (!haveToken) {
  console.warn(
    'Skipping the PKCS#11 signing tests: they need SoftHSM2 and OpenSC (apt-get install softhsm2 opensc).',
  );
} else if (!haveDotnet) {
  console.warn(
    'PKCS#11 signing tests: `dotnet` is not on PATH, so dotnet nuget verify is skipped.',
  );
}
const describeWithToken = haveToken ? describe : describe.skip;

const TOKEN = 'nupkg-test-token';
const PIN = 'Pin-7f3a9c21-secret';
const SO_PIN = 'So-Pin-4b8e0d55';
/** The signing key, its certificate object and the intermediate's object on the token. */
const KEY_ID = '01';
const INTERMEDIATE_ID = '02';
/** A second key, on purpose without a certificate object. */
const BARE_KEY_ID = '03';
const PIN_VARIABLE = 'TEST_HSM_PIN';

const temp = useTempDir();
let pki: TestPki;
let tokenLeaf: TestCertificate;
let tsa: TsaServer;
let softhsmConf: string;
let roots: string;
let cli: CliBundle;
let shadowDotnet: string | undefined;
let counter = 0;

beforeAll(async () => {
  if (!haveToken) return;
  // A token directory of our own: SOFTHSM2_CONF points SoftHSM2 away from the system one.
  mkdirSync(temp.path('tokens'));
  softhsmConf = temp.write(
    'softhsm2.conf',
    `directories.tokendir = ${temp.path('tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  process.env.SOFTHSM2_CONF = softhsmConf;
  tool(['--init-token', '--free', '--label', TOKEN, '--so-pin', SO_PIN, '--pin', PIN], {
    program: 'softhsm2-util',
  });
  for (const [id, label] of [
    [KEY_ID, 'signing key'],
    [BARE_KEY_ID, 'key without certificate'],
  ] as const) {
    tool([...login(), '--keypairgen', '--key-type', 'rsa:2048', '--id', id, '--label', label]);
  }
  // Only the public key leaves the token: the CA certifies it.
  const publicKey = createPublicKey({
    key: tool([...login(), '--read-object', '--type', 'pubkey', '--id', KEY_ID]),
    format: 'der',
    type: 'spki',
  });
  pki = await createTestPki();
  tokenLeaf = await pki.intermediate.issueLeaf({
    subject: 'CN=Token Code Signing, O=nupkg-signing tests',
    // The helper wants a key pair; the private half is in the token, so the pool's leaf key
    // stands in where the helper imports one. Nothing in this file signs with it.
    keyPair: { ...pki.leaf.keyPair, publicKeyObject: publicKey },
  });
  writeObject(tokenLeaf.certificate, KEY_ID, 'signing key');
  writeObject(pki.intermediate.certificate, INTERMEDIATE_ID, 'intermediate');

  tsa = await startTsaServer(timestampAuthorityOf(pki));
  roots = temp.write('roots.pem', `${pki.root.pem}\n${pki.tsaRoot.pem}\n`);
  cli = buildCliBundle();
  if (haveDotnet) shadowDotnet = createShadowSdk(temp.path('sdk'), pki.root.pem, pki.tsaRoot.pem);
}, 240_000);

afterAll(async () => {
  await tsa?.close();
  cli?.dispose();
  delete process.env.SOFTHSM2_CONF;
});

function login(pin = PIN): string[] {
  return ['--module', MODULE ?? '', '--token-label', TOKEN, '--login', '--pin', pin];
}

/** Test setup only (the code under test never puts the PIN on a command line). */
function tool(args: string[], options: { program?: string } = {}): Buffer {
  const result = spawnSync(options.program ?? 'pkcs11-tool', args, {
    env: { ...process.env, SOFTHSM2_CONF: softhsmConf },
  });
  if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr.toString()}`);
  return result.stdout;
}

function writeObject(der: Uint8Array, id: string, label: string): void {
  const file = temp.write(`object-${id}.der`, der);
  tool([...login(), '--write-object', file, '--type', 'cert', '--id', id, '--label', label]);
}

function newPackage(name: string): string {
  counter += 1;
  const dir = temp.path(`work-${counter}`);
  mkdirSync(dir);
  const path = join(dir, `${name}.1.0.0.nupkg`);
  writeFileSync(path, buildZip({ entries: [nuspecEntry(name, '1.0.0')] }));
  return path;
}

/** A pkcs11-tool that records its arguments, then runs the real one. */
function recordingTool(): { program: string; argvLog: string } {
  const argvLog = temp.path(`argv-${++counter}.log`);
  const program = temp.write(
    `pkcs11-tool-${counter}.sh`,
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec pkcs11-tool "$@"\n`,
  );
  chmodSync(program, 0o755);
  return { program, argvLog };
}

/** The CLI bundle, asynchronously: the loopback TSA in this process must keep answering. */
function node(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runCliBundle(cli, args, { ...process.env, SOFTHSM2_CONF: softhsmConf, ...env });
}

async function verifiedByUs(path: string): Promise<{ valid: boolean }> {
  const run = await node(['verify', '--json', '--trusted-roots', roots, path]);
  expect(run.stderr).toBe('');
  const document = JSON.parse(run.stdout) as {
    results: { valid: boolean }[];
  };
  expect(document.results).toHaveLength(1);
  return document.results[0] as { valid: boolean };
}

/** Verification reads no server, so the synchronous runner does. */
function verifiedByDotnet(path: string): DotnetRun | undefined {
  if (!shadowDotnet) return undefined;
  return runDotnet(['nuget', 'verify', '--all', '-v', 'n', path], shadowDotnet);
}

describeWithToken('signing with a key in a SoftHSM2 token (PKCS#11)', () => {
  it('the CLI signs with the token key; we and dotnet nuget verify --all accept the package; the PIN is in no output and no argv', async () => {
    const path = newPackage('Hsm.Cli');
    const { program, argvLog } = recordingTool();
    const run = await node(
      [
        'sign',
        '--pkcs11-module',
        MODULE ?? '',
        '--pkcs11-token',
        TOKEN,
        '--pkcs11-key',
        KEY_ID,
        '--pkcs11-pin-env',
        PIN_VARIABLE,
        '--pkcs11-tool',
        program,
        '--timestamper',
        tsa.url,
        '--trusted-roots',
        roots,
        '--json',
        path,
      ],
      { [PIN_VARIABLE]: PIN },
    );
    expect(run.stderr).toBe('');
    // With the output, so a failure shows the message.
    expect({ status: run.status, stdout: run.stdout }).toEqual({
      status: 0,
      stdout: expect.any(String) as string,
    });
    const outcome = (JSON.parse(run.stdout) as { results: Record<string, unknown>[] }).results[0];
    expect(outcome).toMatchObject({
      signed: true,
      certificateFingerprint: tokenLeaf.fingerprintSha256,
    });
    expect(outcome?.timestampTime).toEqual(expect.any(String));
    // The PIN went through the environment: pkcs11-tool saw `--pin env:…`, never the PIN.
    const argv = readFileSync(argvLog, 'utf8');
    expect(argv).toContain('--pin env:NUPKG_SIGNING_PKCS11_PIN');
    expect(argv).toContain('--sign --mechanism RSA-PKCS --id 01');
    expect(argv).not.toContain(PIN);
    expect(run.stdout + run.stderr).not.toContain(PIN);

    expect(await verifiedByUs(path)).toMatchObject({ valid: true });
    const dotnet = verifiedByDotnet(path);
    if (dotnet) {
      expect(dotnet.output).toContain("Successfully verified package 'Hsm.Cli.1.0.0'.");
      expect(dotnet.output).toContain(tokenLeaf.fingerprintSha256);
      expect(dotnet.codes).toEqual([]);
      expect(dotnet.status).toBe(0);
    }
  }, 120_000);

  it('the action signs and verifies with the pkcs11 inputs, takes the chain from the token and masks the PIN', async () => {
    const workspace = temp.path(`action-${++counter}`);
    mkdirSync(join(workspace, 'out'), { recursive: true });
    writeFileSync(
      join(workspace, 'out', 'Hsm.Action.1.0.0.nupkg'),
      buildZip({ entries: [nuspecEntry('Hsm.Action', '1.0.0')] }),
    );
    const result = await runActionAsRunner({
      cwd: workspace,
      env: { SOFTHSM2_CONF: softhsmConf },
      inputs: {
        mode: 'sign-and-verify',
        packages: 'out/*.nupkg',
        'pkcs11-module': MODULE ?? '',
        'pkcs11-token-label': TOKEN,
        'pkcs11-key-label': 'signing key',
        'pkcs11-pin': PIN,
        'timestamp-urls': tsa.url,
        'trusted-roots': roots,
      },
    });
    expect(result.stderr).toBe('');
    expect({ code: result.code, errors: commandLines(result.stdout, 'error') }).toEqual({
      code: 0,
      errors: [],
    });
    expect(result.outputs.valid).toBe('true');
    expect(result.outputs['signed-packages']).toBe('out/Hsm.Action.1.0.0.nupkg');
    expect(result.outputs.fingerprints).toBe(tokenLeaf.fingerprintSha256);
    // The mask is registered first; nothing else the step writes carries the PIN.
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`::add-mask::${PIN}`);
    const rest = lines.filter((line) => !line.startsWith('::add-mask::')).join('\n');
    expect(rest).not.toContain(PIN);
    expect(result.summary + JSON.stringify(result.outputs)).not.toContain(PIN);

    const signed = join(workspace, 'out', 'Hsm.Action.1.0.0.nupkg');
    expect(await verifiedByUs(signed)).toMatchObject({ valid: true });
    const dotnet = verifiedByDotnet(signed);
    if (dotnet) {
      expect(dotnet.output).toContain("Successfully verified package 'Hsm.Action.1.0.0'.");
      expect(dotnet.codes).toEqual([]);
      expect(dotnet.status).toBe(0);
    }
  }, 180_000);

  describe('setup mistakes fail before any package is signed, with a message that says what to fix', () => {
    function options(target: Partial<Pkcs11Target>): SignRunOptions {
      return {
        packages: [newPackage('Hsm.Mistake')],
        key: {
          pkcs11: {
            module: MODULE ?? '',
            tokenLabel: TOKEN,
            ...(target.keyLabel === undefined ? { keyId: KEY_ID } : {}),
            pin: PIN,
            ...target,
          },
          source: 'test',
        },
        hashAlgorithm: 'sha256',
        timestampUrls: [],
        timestampHashAlgorithm: 'sha256',
        overwrite: false,
        trustedRoots: [roots],
        allowUntrustedRoot: false,
        now: () => new Date(),
      };
    }

    it('a wrong PIN: NU3001 naming CKR_PIN_INCORRECT, without the PIN', async () => {
      const wrong = 'Wrong-Pin-0c9d8e7f';
      const failure = runSigning(options({ pin: wrong }));
      await expect(failure).rejects.toMatchObject({
        code: 'NU3001',
        message: expect.stringContaining(
          `The PIN was rejected by token '${TOKEN}' (CKR_PIN_INCORRECT): check the PIN secret.`,
        ) as string,
      });
      await expect(failure).rejects.not.toMatchObject({
        message: expect.stringContaining(wrong) as string,
      });
    });

    it('a key id the token does not hold: NU3001 listing the keys it has', async () => {
      await expect(runSigning(options({ keyId: '07' }))).rejects.toMatchObject({
        code: 'NU3001',
        message: `There is no private key with id 07 on token '${TOKEN}' (its private keys: id 01 'signing key', id 03 'key without certificate'): give the id or label of the signing key, or generate one in the token.`,
      });
    });

    it('a module path that does not exist: NUPKG002 naming the path', async () => {
      const missing = temp.path('no-such-module.so');
      await expect(runSigning(options({ module: missing }))).rejects.toMatchObject({
        code: 'NUPKG002',
        file: missing,
        message: expect.stringMatching(
          /^The PKCS#11 module '.*no-such-module\.so' cannot be read \(.*ENOENT.*\): install the token's module/,
        ) as string,
      });
    });

    it('a key without a certificate object: NU3001 saying how to write it or give the chain', async () => {
      await expect(runSigning(options({ keyId: BARE_KEY_ID }))).rejects.toMatchObject({
        code: 'NU3001',
        message: expect.stringContaining(
          `Token '${TOKEN}' has no certificate object with id 03, so the signing certificate is unknown: write it next to the key ('pkcs11-tool --module ${MODULE ?? ''} --login --write-object cert.der --type cert --id 03'), or give the certificate chain`,
        ) as string,
      });
    });

    it('a key named by label is used by its id (pkcs11-tool --sign ignores --label): the label of the key without certificate reaches id 03', async () => {
      await expect(
        runSigning(options({ keyLabel: 'key without certificate' })),
      ).rejects.toMatchObject({
        code: 'NU3001',
        message: expect.stringContaining(
          `Token '${TOKEN}' has no certificate object with id 03, so the signing certificate is unknown`,
        ) as string,
      });
    });

    it('a token label that no slot has: NU3001 saying how to list the tokens', async () => {
      await expect(runSigning(options({ tokenLabel: 'no-such-token' }))).rejects.toMatchObject({
        code: 'NU3001',
        message: `No token labelled 'no-such-token' in module '${MODULE ?? ''}': list the tokens with 'pkcs11-tool --module ${MODULE ?? ''} -L' and give one of their labels.`,
      });
    });

    it('the CLI without the PIN variable: exit 2 and a usage error naming the variable', async () => {
      const run = await node(
        ['sign', '--pkcs11-module', MODULE ?? '', '--pkcs11-key', KEY_ID, newPackage('Hsm.NoPin')],
        { NUPKG_SIGNING_PKCS11_PIN: '' },
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        'NUPKG003: The PKCS#11 PIN variable NUPKG_SIGNING_PKCS11_PIN is not set',
      );
    });
  });
});
