import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';
import { createTestPki, type TestPki } from '../helpers/pki.js';
import { timestampAuthorityOf } from '../helpers/tsa.js';
import { startTsaServer, type TsaServer } from '../helpers/tsa-server.js';
import { exportPfx, haveOpenssl } from '../helpers/pfx.js';
import { useTempDir } from '../helpers/temp-files.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';

/** `nupkg-signing sign` end to end through main(), with real files, a real TSA and real scripts. */
const NOW = new Date('2025-06-01T12:00:00Z');
const PASSWORD = 'Pfx-Pa55word-7d1e';
const temp = useTempDir();
let pki: TestPki;
let tsa: TsaServer;
let files: { pfx: string; key: string; chain: string; roots: string; keyPem: string };
let counter = 0;

beforeAll(async () => {
  pki = await createTestPki();
  tsa = await startTsaServer(timestampAuthorityOf(pki, () => NOW));
  const keyPem = pki.leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
  files = {
    keyPem,
    key: temp.write('leaf.key.pem', keyPem),
    chain: temp.write('chain.pem', `${pki.leaf.pem}\n${pki.intermediate.pem}\n`),
    roots: temp.write('roots.pem', `${pki.root.pem}\n${pki.tsaRoot.pem}\n`),
    pfx: temp.path('leaf.pfx'),
  };
  if (haveOpenssl) {
    exportPfx(files.pfx, {
      key: pki.leaf.keyObject,
      chainPem: `${pki.leaf.pem}\n${pki.intermediate.pem}\n`,
      password: PASSWORD,
    });
  }
});

afterAll(async () => {
  await tsa.close();
});

function newPackage(name = 'Cli.Package'): string {
  return temp.write(
    `${name}-${++counter}.nupkg`,
    buildZip({ entries: [nuspecEntry(name, '1.0.0')] }),
  );
}

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['sign', ...argv],
    { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) },
    NOW,
  );
  return { code, stdout, stderr };
}

const common = () => ['--trusted-roots', files.roots, '--timestamper', tsa.url];

describe('nupkg-signing sign', () => {
  describe('with a PEM key and chain', () => {
    it('signs in place, timestamps, and exits 0', async () => {
      const path = newPackage();
      const before = readFileSync(path);
      const subject = await run(
        '--private-key',
        files.key,
        '--certificate-chain',
        files.chain,
        ...common(),
        path,
      );
      expect(subject.code).toBe(0);
      expect(subject.stderr).toBe('');
      expect(subject.stdout).toContain(
        `${path}: signed (certificate SHA-256 ${pki.leaf.fingerprintSha256}, timestamped 2025-06-01T12:00:00.000Z)`,
      );
      expect(subject.stdout).toContain('1 of 1 package(s) signed.');
      expect(readFileSync(path).length).toBeGreaterThan(before.length);
    });

    it('writes to --output and reports JSON', async () => {
      const path = newPackage();
      const output = temp.path(`out-${counter}`);
      const subject = await run(
        '--private-key',
        files.key,
        '--certificate-chain',
        files.chain,
        ...common(),
        '--hash-algorithm',
        'SHA384',
        '--output',
        output,
        '--json',
        path,
      );
      expect(subject.code).toBe(0);
      const report = JSON.parse(subject.stdout) as { results: Record<string, unknown>[] };
      expect(report.results).toEqual([
        expect.objectContaining({ file: path, signed: true, timestampTime: NOW.toISOString() }),
      ]);
      expect(existsSync(String(report.results[0]?.['outputPath']))).toBe(true);
    });
  });

  describe('with a PFX', () => {
    const itWithOpenssl = haveOpenssl ? it : it.skip;

    itWithOpenssl('reads the password from NUPKG_SIGNING_CERTIFICATE_PASSWORD', async () => {
      const path = newPackage();
      process.env['NUPKG_SIGNING_CERTIFICATE_PASSWORD'] = PASSWORD;
      try {
        const subject = await run('--certificate-path', files.pfx, ...common(), path);
        expect(subject.code).toBe(0);
      } finally {
        delete process.env['NUPKG_SIGNING_CERTIFICATE_PASSWORD'];
      }
    });

    itWithOpenssl(
      'never prints the password or key, whether signing fails or succeeds',
      async () => {
        const good = await run(
          '--certificate-path',
          files.pfx,
          '--certificate-password',
          PASSWORD,
          ...common(),
          newPackage(),
        );
        const wrongPassword = await run(
          '--certificate-path',
          files.pfx,
          '--certificate-password',
          `${PASSWORD}x`,
          ...common(),
          newPackage(),
        );
        const untrusted = await run(
          '--certificate-path',
          files.pfx,
          '--certificate-password',
          PASSWORD,
          newPackage(),
        );
        const pemFailure = await run(
          '--private-key',
          files.key,
          '--certificate-chain',
          temp.write('other.pem', pki.tsa.pem),
          newPackage(),
        );
        expect([good.code, wrongPassword.code, untrusted.code, pemFailure.code]).toEqual([
          0, 2, 1, 2,
        ]);
        expect(wrongPassword.stderr).toMatch(/^error NU3001: .*password.*\n$/);
        expect(untrusted.stdout).toContain('error NU3018');

        const keyDer = pki.leaf.keyObject
          .export({ format: 'der', type: 'pkcs8' })
          .toString('base64');
        const keyLines = files.keyPem
          .split('\n')
          .filter((line) => line.length > 20 && !line.startsWith('-----'));
        for (const output of [good, wrongPassword, untrusted, pemFailure]) {
          const printed = output.stdout + output.stderr;
          expect(printed).not.toContain(PASSWORD);
          expect(printed).not.toContain('PRIVATE KEY');
          expect(printed).not.toContain(keyDer.slice(40, 80));
          for (const line of keyLines) expect(printed).not.toContain(line);
          expect(printed).not.toMatch(/\n\s+at /); // no stack trace
        }
      },
    );
  });

  describe('with a sign command', () => {
    it('signs through the command and the chain file', async () => {
      const script = temp.write(
        'sign.cjs',
        `const c=require('node:crypto'),f=require('node:fs');const r=JSON.parse(f.readFileSync(0,'utf8'));` +
          `process.stdout.write(c.privateEncrypt({key:f.readFileSync(process.argv[2],'utf8'),padding:c.constants.RSA_PKCS1_PADDING},Buffer.from(r.digestInfo,'base64')).toString('base64'));`,
      );
      const subject = await run(
        '--sign-command',
        `"${process.execPath}" "${script}" "${files.key}"`,
        '--certificate-chain',
        files.chain,
        ...common(),
        newPackage(),
      );
      expect(subject.stderr).toBe('');
      expect(subject.code).toBe(0);
    });
  });

  describe('when some packages fail', () => {
    it('signs the others and exits 1', async () => {
      const dir = temp.path(`batch-${++counter}`);
      mkdirSync(dir);
      const first = temp.write(
        `batch-${counter}/a.nupkg`,
        buildZip({ entries: [nuspecEntry('A', '1.0.0')] }),
      );
      temp.write(`batch-${counter}/b.nupkg`, buildZip({ entries: [nuspecEntry('B', '1.0.0')] }));
      const key = [
        '--private-key',
        files.key,
        '--certificate-chain',
        files.chain,
        '--trusted-roots',
        files.roots,
      ];
      expect((await run(...key, first)).code).toBe(0);
      const subject = await run(...key, dir);
      expect(subject.code).toBe(1);
      expect(subject.stdout).toContain('error NU3001');
      expect(subject.stdout).toContain('1 of 2 package(s) signed.');
      expect(subject.stdout).toContain('warning NU3002');
    });
  });

  describe('messages name the flags as users type them', () => {
    const pemKey = () => ['--private-key', files.key, '--certificate-chain', files.chain];

    it('an already signed package without --overwrite says to use --overwrite', async () => {
      const path = newPackage();
      expect((await run(...pemKey(), ...common(), path)).code).toBe(0);
      const subject = await run(...pemKey(), ...common(), path);
      expect(subject.code).toBe(1);
      expect(subject.stdout).toMatch(/error NU3001: .* is already signed\. Use --overwrite /);
      expect(subject.stdout).not.toMatch(/overwrite option/);
    });

    it('an untrusted root says to add it with --trusted-roots or use --allow-untrusted-root', async () => {
      const otherRoots = temp.write(`other-roots-${++counter}.pem`, `${pki.tsaRoot.pem}\n`);
      const fullChain = temp.write(
        `full-chain-${counter}.pem`,
        `${pki.leaf.pem}\n${pki.intermediate.pem}\n${pki.root.pem}\n`,
      );
      const subject = await run(
        '--private-key',
        files.key,
        '--certificate-chain',
        fullChain,
        '--trusted-roots',
        otherRoots,
        newPackage(),
      );
      expect(subject.code).toBe(1);
      expect(subject.stdout).toMatch(
        /error NU3018: .*not a trusted root.* --trusted-roots FILE .* --allow-untrusted-root\./,
      );
      expect(subject.stdout).not.toMatch(/trusted-roots option/);
    });

    it('a chain that does not reach a root says to give it with --certificate-chain', async () => {
      const leafOnly = temp.write(`leaf-only-${++counter}.pem`, `${pki.leaf.pem}\n`);
      const subject = await run(
        '--private-key',
        files.key,
        '--certificate-chain',
        leafOnly,
        ...common(),
        newPackage(),
      );
      expect(subject.code).toBe(1);
      expect(subject.stdout).toMatch(/error NU3018: .*PartialChain.* with --certificate-chain /);
    });

    it('a signing URL without a chain names --certificate-chain', async () => {
      const subject = await run('--sign-url', 'https://k.example.test/', 'x.nupkg');
      expect(subject.code).toBe(2);
      expect(subject.stderr).toMatch(
        /needs the certificate chain: give it with --certificate-chain/,
      );
    });
  });

  describe('with DER certificate files (the Windows .cer export default)', () => {
    it('signs with a DER --certificate-chain and DER --trusted-roots, and verify accepts DER roots', async () => {
      const id = ++counter;
      const chain = temp.write(
        `chain-${id}.cer`,
        Buffer.concat([pki.leaf.certificate, pki.intermediate.certificate]),
      );
      const root = temp.write(`root-${id}.cer`, pki.root.certificate);
      const tsaRoot = temp.write(`tsa-root-${id}.cer`, pki.tsaRoot.certificate);
      const path = newPackage();
      const roots = ['--trusted-roots', root, '--trusted-roots', tsaRoot];
      const signed = await run(
        '--private-key',
        files.key,
        '--certificate-chain',
        chain,
        ...roots,
        '--timestamper',
        tsa.url,
        path,
      );
      expect(signed.stderr).toBe('');
      expect(signed.code).toBe(0);
      expect(signed.stdout).toContain(`signed (certificate SHA-256 ${pki.leaf.fingerprintSha256}`);

      let stdout = '';
      const verified = await main(
        ['verify', '--json', '--revocation-mode', 'offline', ...roots, path],
        { stdout: (text) => (stdout += text), stderr: () => undefined },
        NOW,
        {},
      );
      const [result] = (JSON.parse(stdout) as { results: { valid: boolean; signature: string }[] })
        .results;
      expect(result).toMatchObject({ valid: true, signature: 'author' });
      expect(verified).toBe(0);

      // The same DER roots named by a policy file's trustedRoots (relative to the policy file).
      const policy = temp.write(
        `der-roots-${id}.yml`,
        `version: 1\naccounts:\n  a: {}\npackages: []\nunmatchedPackages: allow\ntrustedRoots: [root-${id}.cer, tsa-root-${id}.cer]\n`,
      );
      stdout = '';
      const byPolicy = await main(
        ['verify', '--json', '--revocation-mode', 'offline', '--policy-file', policy, path],
        { stdout: (text) => (stdout += text), stderr: () => undefined },
        NOW,
        {},
      );
      expect(JSON.parse(stdout)).toMatchObject({ results: [{ valid: true, signature: 'author' }] });
      expect(byPolicy).toBe(0);
    });

    it('refuses a truncated DER chain with NU3001 naming the file', async () => {
      const chain = temp.write(`cut-${++counter}.cer`, pki.leaf.certificate.subarray(0, 200));
      const subject = await run(
        '--private-key',
        files.key,
        '--certificate-chain',
        chain,
        ...common(),
        newPackage(),
      );
      expect(subject.code).toBe(2);
      expect(subject.stderr).toMatch(
        /^error NU3001: The certificate chain .*cut-\d+\.cer is not a valid DER certificate file \(.*truncated\)/,
      );
    });
  });

  describe('usage errors', () => {
    it.each([
      [['x.nupkg'], /exactly one of --certificate-path/],
      [['--sign-url', 'https://k.example.test/', 'x.nupkg'], /needs the certificate chain/],
      [
        ['--private-key', 'k.pem', '--hash-algorithm', 'MD5', 'x.nupkg'],
        /SHA256, SHA384 or SHA512/,
      ],
      [['--private-key', 'k.pem'], /at least one FILE/],
      [['--bogus', 'x.nupkg'], /bogus/],
    ])('exits 2 with one NUPKG003 line for %j', async (argv, message) => {
      const subject = await run(...argv);
      expect(subject.code).toBe(2);
      expect(subject.stderr).toMatch(/^error NUPKG003: [^\n]*\n$/);
      expect(subject.stderr).toMatch(message);
    });

    it('prints help', async () => {
      const subject = await run('--help');
      expect(subject.code).toBe(0);
      expect(subject.stdout).toContain('--sign-command');
    });
  });
});
