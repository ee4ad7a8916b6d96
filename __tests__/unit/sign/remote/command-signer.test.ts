import { constants, createHash, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CommandSigner,
  createRemoteSigner,
  splitCommandLine,
} from '../../../../src/sign/remote/index.js';
import { createTestPki, type TestPki } from '../../../helpers/pki.js';
import { useTempDir } from '../../../helpers/temp-files.js';

/**
 * The command transport against real child processes: tiny node scripts, written to a temp dir,
 * that sign with a test key the way a wrapper around an HSM or cloud KMS CLI would.
 */
const temp = useTempDir();
let pki: TestPki;
let keyPath: string;

const SCRIPTS = {
  // Reads the JSON request from stdin, does raw RSA over the DigestInfo, prints bare base64.
  stdin: `
const crypto = require('node:crypto');
const fs = require('node:fs');
const request = JSON.parse(fs.readFileSync(0, 'utf8'));
const key = fs.readFileSync(process.argv[2], 'utf8');
const block = Buffer.from(request.digestInfo, 'base64');
const signature = crypto.privateEncrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, block);
process.stdout.write(signature.toString('base64') + '\\n');
`,
  // Uses only the environment variables and answers with the JSON form.
  env: `
const crypto = require('node:crypto');
const fs = require('node:fs');
const key = fs.readFileSync(process.argv[2], 'utf8');
if (process.env.NUPKG_SIGNING_HASH_ALGORITHM !== process.argv[3]) process.exit(9);
if (process.env.NUPKG_SIGNING_CERTIFICATE_PASSWORD !== undefined) process.exit(8);
const block = Buffer.from(process.env.NUPKG_SIGNING_DIGEST_INFO, 'base64');
const signature = crypto.privateEncrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, block);
console.log(JSON.stringify({ signature: signature.toString('base64'), keyId: process.env.NUPKG_SIGNING_KEY_ID }));
`,
  fails: `
process.stderr.write('debug noise\\nkms: access denied for key projects/x/keys/y\\n');
process.exit(3);
`,
  garbage: `process.stdout.write('<html>not a signature</html>');`,
  hangs: `setTimeout(() => {}, 60000);`,
};

beforeAll(async () => {
  pki = await createTestPki();
  keyPath = temp.write('key.pem', pki.leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }));
  for (const [name, text] of Object.entries(SCRIPTS)) temp.write(`${name}.cjs`, text);
});

function command(script: keyof typeof SCRIPTS, ...extra: string[]): string {
  return [process.execPath, temp.path(`${script}.cjs`), keyPath, ...extra]
    .map((word) => `'${word}'`)
    .join(' ');
}

function subject(script: keyof typeof SCRIPTS, ...extra: string[]): CommandSigner {
  return new CommandSigner({
    command: command(script, ...extra),
    certificate: pki.leaf.certificate,
    chain: [],
    keyId: 'test-key',
    timeoutMs: 5000,
  });
}

const DIGEST = createHash('sha256').update('signed attributes').digest();

function verifiesWithLeaf(signature: Uint8Array, data = 'signed attributes'): boolean {
  return verify(
    'sha256',
    Buffer.from(data),
    { key: pki.leaf.publicKeyObject, padding: constants.RSA_PKCS1_PADDING },
    signature,
  );
}

describe('CommandSigner', () => {
  describe('when the command reads the request from stdin', () => {
    it('returns a PKCS#1 v1.5 signature that verifies with the certificate', async () => {
      const signature = await subject('stdin').signDigest(DIGEST, 'sha256');
      expect(verifiesWithLeaf(signature)).toBe(true);
    });
  });

  describe('when the command is given as an argument vector (the action input lines)', () => {
    it('passes a key path with spaces and quotes as one argument, never re-split', async () => {
      const oddKey = temp.write("key with 'quotes' and spaces.pem", readFileSync(keyPath));
      const signer = new CommandSigner({
        command: [process.execPath, temp.path('stdin.cjs'), oddKey],
        certificate: pki.leaf.certificate,
        chain: [],
        timeoutMs: 5000,
      });
      expect(verifiesWithLeaf(await signer.signDigest(DIGEST, 'sha256'))).toBe(true);
    });
  });

  describe('when the command reads the environment and answers JSON', () => {
    it('signs a SHA-384 digest and gets no password variable', async () => {
      const digest = createHash('sha384').update('signed attributes').digest();
      const signature = await subject('env', 'SHA384').signDigest(digest, 'sha384');
      expect(
        verify(
          'sha384',
          Buffer.from('signed attributes'),
          { key: pki.leaf.publicKeyObject, padding: constants.RSA_PKCS1_PADDING },
          signature,
        ),
      ).toBe(true);
    });

    it('withholds NUPKG_SIGNING_CERTIFICATE_PASSWORD from the command', async () => {
      const signer = new CommandSigner({
        command: command('env', 'SHA256'),
        certificate: pki.leaf.certificate,
        chain: [],
        env: { ...process.env, NUPKG_SIGNING_CERTIFICATE_PASSWORD: 'secret' },
      });
      await expect(signer.signDigest(DIGEST, 'sha256')).resolves.toBeInstanceOf(Uint8Array);
    });
  });

  describe('when the command fails', () => {
    it('reports NU3001 with the exit code and the last stderr line', async () => {
      await expect(subject('fails').signDigest(DIGEST, 'sha256')).rejects.toMatchObject({
        code: 'NU3001',
        message: expect.stringMatching(/exited with code 3: kms: access denied/),
      });
    });

    it('reports NU3001 when the output is not a signature, without quoting it', async () => {
      const error = await subject('garbage')
        .signDigest(DIGEST, 'sha256')
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'NU3001' });
      expect((error as Error).message).not.toContain('<html>');
    });

    it('kills a command that does not finish in time', async () => {
      const signer = new CommandSigner({
        command: command('hangs'),
        certificate: pki.leaf.certificate,
        chain: [],
        timeoutMs: 300,
      });
      await expect(signer.signDigest(DIGEST, 'sha256')).rejects.toMatchObject({
        code: 'NU3001',
        message: expect.stringContaining('did not finish'),
      });
    });

    it('reports NU3001 when the program does not exist', async () => {
      const signer = new CommandSigner({
        command: '/nonexistent/signer --flag',
        certificate: pki.leaf.certificate,
        chain: [],
      });
      await expect(signer.signDigest(DIGEST, 'sha256')).rejects.toMatchObject({
        code: 'NU3001',
        message: expect.stringContaining('could not be started'),
      });
    });
  });

  describe('through createRemoteSigner', () => {
    it('takes the first PEM certificate as the signing certificate and signs data', async () => {
      const signer = createRemoteSigner({
        command: command('stdin'),
        certificateChainPem: pki.leaf.pem + pki.intermediate.pem,
      });
      expect(Buffer.from(signer.certificate)).toEqual(Buffer.from(pki.leaf.certificate));
      expect(signer.chain).toHaveLength(1);
      const signature = await signer.sign(Buffer.from('some data'), 'sha256');
      expect(verifiesWithLeaf(signature, 'some data')).toBe(true);
    });

    it('refuses a chain file without certificates with NU3001', () => {
      expect(() =>
        createRemoteSigner({ command: 'x', certificateChainPem: 'nothing here' }),
      ).toThrow(expect.objectContaining({ code: 'NU3001' }));
    });

    it('refuses both a command and a URL with NUPKG003', () => {
      expect(() =>
        createRemoteSigner({
          command: 'x',
          url: 'https://example.test/sign',
          certificateChainPem: pki.leaf.pem,
        }),
      ).toThrow(expect.objectContaining({ code: 'NUPKG003' }));
    });
  });
});

describe('#splitCommandLine', () => {
  it.each([
    ['sign-tool --key k1', ['sign-tool', '--key', 'k1']],
    [`"C:\\\\Program Files\\\\tool.exe" 'a b'`, ['C:\\Program Files\\tool.exe', 'a b']],
    [`tool a\\ b "q\\"x" ''`, ['tool', 'a b', 'q"x', '']],
    ['  spaced   out  ', ['spaced', 'out']],
  ])('splits %j into words', (text, words) => {
    expect(splitCommandLine(text)).toEqual(words);
  });

  it('refuses an unterminated quote and an empty command with NUPKG003', () => {
    expect(() => splitCommandLine(`tool "open`)).toThrow(
      expect.objectContaining({ code: 'NUPKG003' }),
    );
    expect(() => splitCommandLine('   ')).toThrow(expect.objectContaining({ code: 'NUPKG003' }));
  });
});
