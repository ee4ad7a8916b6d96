import { execFileSync } from 'node:child_process';
import { createSign, createVerify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NupkgSigningError } from '../../../../src/errors.js';
import { loadKeyMaterial, type KeyMaterial } from '../../../../src/sign/key-material/index.js';

/**
 * Key material made with the openssl CLI, the way users make it: a CA, a leaf signed by it, PKCS#12
 * exports with each encryption scheme in use (PBES2/AES, legacy 3DES, RC2-40) and PEM keys.
 */
const PASSWORD = 'Corr3ct-H0rse!';
const WRONG = 'Wrong-P4ss';

let dir = '';

/** Runs openssl in the fixture directory; undefined when it fails (e.g. no legacy provider). */
function openssl(...args: string[]): Buffer | undefined {
  try {
    return execFileSync('openssl', args, { cwd: dir || undefined, stdio: 'pipe' });
  } catch {
    return undefined;
  }
}

const hasOpenSsl = openssl('version') !== undefined;
const describeWithOpenSsl = hasOpenSsl ? describe : describe.skip;

const read = (name: string) => readFileSync(join(dir, name));
const text = (name: string) => readFileSync(join(dir, name), 'utf8');
const certificateDer = (name: string) => new X509Certificate(read(name)).raw;

/** Exports leaf.key, leaf.pem and ca.pem to a PFX with extra options; undefined if openssl fails. */
function pfx(name: string, ...options: string[]): Buffer | undefined {
  const base = [
    'pkcs12',
    '-export',
    '-inkey',
    'leaf.key',
    '-in',
    'leaf.pem',
    '-certfile',
    'ca.pem',
  ];
  return openssl(...base, '-out', `${name}.pfx`, ...options) ? read(`${name}.pfx`) : undefined;
}

beforeAll(() => {
  if (!hasOpenSsl) return;
  dir = mkdtempSync(join(tmpdir(), 'key-material-'));
  const subject = (cn: string) => ['-subj', `/CN=${cn}`, '-days', '30'];
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    ...subject('Test CA'),
  );
  openssl(
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'leaf.key',
    '-out',
    'leaf.csr',
    '-subj',
    '/CN=Test Signer',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'leaf.pem',
    '-days',
    '30',
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function expectUsable(subject: KeyMaterial, chain = [certificateDer('ca.pem')]): void {
  expect(Buffer.from(subject.certificate)).toEqual(certificateDer('leaf.pem'));
  expect(subject.chain.map((c) => Buffer.from(c))).toEqual(chain);
  const signature = createSign('sha256').update('package hash').sign(subject.privateKey);
  const verified = createVerify('sha256')
    .update('package hash')
    .verify(new X509Certificate(subject.certificate).publicKey, signature);
  expect(verified).toBe(true);
}

function thrown(fn: () => unknown): NupkgSigningError {
  try {
    fn();
  } catch (error) {
    if (error instanceof NupkgSigningError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

/** Everything an error could show or log: message, stack, JSON, and its cause. */
function everythingIn(error: NupkgSigningError): string {
  return [
    error.message,
    error.stack,
    JSON.stringify(error),
    String(error.cause),
    JSON.stringify(error.cause),
  ].join('\n');
}

/** Base64 and hex fragments of the leaf's private key, to prove no error carries key bytes. */
function keyFragments(): string[] {
  const der = openssl('pkey', '-in', 'leaf.key', '-outform', 'DER') as Buffer;
  const body = der.subarray(40, 72);
  return [
    body.toString('hex'),
    body.toString('base64').slice(0, 24),
    text('leaf.key').split('\n')[3] as string,
  ];
}

describeWithOpenSsl('#loadKeyMaterial', () => {
  describe('with a PKCS#12 file', () => {
    it.each([
      [
        'PBES2 AES-256 with a SHA-256 MAC',
        ['-keypbe', 'AES-256-CBC', '-certpbe', 'AES-256-CBC', '-macalg', 'sha256'],
      ],
      ['legacy 3DES', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES']],
      ['PBES2 AES-128 and no MAC', ['-keypbe', 'AES-128-CBC', '-certpbe', 'AES-128-CBC', '-nomac']],
      ['no encryption and no MAC', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac']],
    ])('protected with %s, loads the leaf, the chain and a working key', (name, options) => {
      const bytes = pfx(name.replace(/\W+/g, '-'), '-passout', `pass:${PASSWORD}`, ...options);
      expect(bytes).toBeDefined();
      expectUsable(loadKeyMaterial({ pfx: bytes, password: PASSWORD }));
    });

    it('protected the legacy Windows way (RC2-40 certificates, 3DES key), loads', () => {
      const bytes =
        pfx('rc2', '-passout', `pass:${PASSWORD}`, '-legacy') ??
        pfx(
          'rc2',
          '-passout',
          `pass:${PASSWORD}`,
          '-certpbe',
          'PBE-SHA1-RC2-40',
          '-provider',
          'legacy',
          '-provider',
          'default',
        );
      if (!bytes) return; // this openssl cannot write RC2 (no legacy provider); rc2.test.ts still runs
      expect(
        openssl(
          'pkcs12',
          '-in',
          'rc2.pfx',
          '-info',
          '-noout',
          '-passin',
          `pass:${PASSWORD}`,
          '-legacy',
        ),
      ).toBeDefined();
      expectUsable(loadKeyMaterial({ pfx: bytes, password: PASSWORD }));
    });

    it('with an empty password, loads without one', () => {
      const bytes = pfx(
        'empty',
        '-passout',
        'pass:',
        '-keypbe',
        'AES-256-CBC',
        '-certpbe',
        'AES-256-CBC',
      );
      expectUsable(loadKeyMaterial({ pfx: bytes }));
      expectUsable(loadKeyMaterial({ pfx: bytes, password: '' }));
    });

    describe('when the password is wrong', () => {
      it.each([
        ['with a MAC', []],
        ['without a MAC', ['-nomac']],
      ])('%s, reports NU3001 and reveals neither password', (_name, options) => {
        const bytes = pfx(`wrong${options.length}`, '-passout', `pass:${PASSWORD}`, ...options);
        const subject = thrown(() =>
          loadKeyMaterial({ pfx: bytes, password: WRONG, source: 'signing.pfx' }),
        );
        expect(subject.code).toBe('NU3001');
        expect(subject.message).toBe(
          'The certificate password is wrong or the file is not a PKCS#12 file: signing.pfx',
        );
        expect(subject.file).toBe('signing.pfx');
        expect(everythingIn(subject)).not.toContain(WRONG);
        expect(everythingIn(subject)).not.toContain(PASSWORD);
      });
    });

    it('reports NU3001 for bytes that are not PKCS#12', () => {
      const subject = thrown(() => loadKeyMaterial({ pfx: read('leaf.pem'), password: PASSWORD }));
      expect(subject.code).toBe('NU3001');
    });

    describe('tells the user which of wrong password, truncated, damaged or PEM it is', () => {
      const messageFor = (bytes: Buffer | undefined, password = PASSWORD) =>
        thrown(() => loadKeyMaterial({ pfx: bytes, password, source: 'signing.pfx' }));
      const good = () => pfx('distinct', '-passout', `pass:${PASSWORD}`);

      it('a wrong password says the password is wrong', () => {
        const subject = messageFor(good(), WRONG);
        expect(subject.code).toBe('NU3001');
        expect(subject.message).toMatch(/^The certificate password is wrong/);
      });

      it('a truncated PFX says it is truncated, with the declared and actual sizes', () => {
        const bytes = good()!;
        const subject = messageFor(bytes.subarray(0, Math.floor(bytes.length / 2)));
        expect(subject.code).toBe('NU3001');
        expect(subject.message).toBe(
          `The PKCS#12 (PFX) file signing.pfx is truncated: it declares ${bytes.length} bytes but has ${Math.floor(bytes.length / 2)}. Copy or export it again.`,
        );
      });

      it('a corrupt PFX (bytes overwritten inside) says it is damaged, not the password', () => {
        const bytes = Buffer.from(good()!);
        bytes.fill(0xff, 4, 40);
        const subject = messageFor(bytes);
        expect(subject.code).toBe('NU3001');
        expect(subject.message).toMatch(
          /^signing\.pfx is damaged or not a PKCS#12 \(PFX\) file \(.+\)\. Export the certificate/,
        );
        expect(everythingIn(subject)).not.toContain(PASSWORD);
      });

      it.each([
        ['a PEM certificate', 'leaf.pem'],
        ['a PEM private key', 'leaf.key'],
      ])('%s given as the PFX says it is PEM and names the flags to use', (_name, file) => {
        const subject = messageFor(read(file));
        expect(subject.code).toBe('NU3001');
        expect(subject.message).toMatch(
          /^signing\.pfx is a PEM file, not a PKCS#12 \(PFX\) file: .*--private-key .*--certificate-chain/,
        );
        for (const fragment of keyFragments())
          expect(everythingIn(subject)).not.toContain(fragment);
      });

      it('an empty file says it is empty', () => {
        expect(messageFor(Buffer.alloc(0)).message).toBe(
          'The PKCS#12 (PFX) file signing.pfx is empty.',
        );
      });
    });

    it('reports NU3001 naming the problem when the file holds no private key', () => {
      const bytes = pfx('nokeys', '-passout', `pass:${PASSWORD}`, '-nokeys');
      const subject = thrown(() => loadKeyMaterial({ pfx: bytes, password: PASSWORD }));
      expect(subject.code).toBe('NU3001');
      expect(subject.message).toMatch(/contains no private key/);
    });

    it('reports NU3001 without key bytes when no certificate matches the key', () => {
      const exported = openssl(
        'pkcs12',
        '-export',
        '-nocerts',
        '-inkey',
        'leaf.key',
        '-out',
        'keyonly.pfx',
        '-passout',
        `pass:${PASSWORD}`,
      );
      expect(exported).toBeDefined();
      const subject = thrown(() =>
        loadKeyMaterial({ pfx: read('keyonly.pfx'), password: PASSWORD }),
      );
      expect(subject.code).toBe('NU3001');
      expect(subject.message).toMatch(/No certificate .* matches its private key/);
      for (const fragment of keyFragments()) expect(everythingIn(subject)).not.toContain(fragment);
      expect(everythingIn(subject)).not.toContain(PASSWORD);
    });
  });

  describe('with a PEM key and certificate chain', () => {
    const chainPem = () => text('leaf.pem') + text('ca.pem');

    it.each([
      ['PKCS#8', () => text('leaf.key')],
      [
        'traditional RSA',
        () => openssl('rsa', '-in', 'leaf.key', '-traditional')?.toString() ?? '',
      ],
    ])('loads an unencrypted %s key and picks the matching leaf', (_name, key) => {
      expectUsable(
        loadKeyMaterial({
          privateKeyPem: key(),
          certificateChainPem: text('ca.pem') + text('leaf.pem'),
        }),
      );
    });

    it.each([
      ['PBES2 AES-256', ['-v2', 'aes-256-cbc']],
      ['PBE-SHA1-3DES', ['-v1', 'PBE-SHA1-3DES']],
    ])('decrypts a %s encrypted PKCS#8 key with its password', (_name, options) => {
      const key = openssl(
        'pkcs8',
        '-topk8',
        '-in',
        'leaf.key',
        '-passout',
        `pass:${PASSWORD}`,
        ...options,
      );
      expect(key).toBeDefined();
      expectUsable(
        loadKeyMaterial({
          privateKeyPem: String(key),
          certificateChainPem: chainPem(),
          password: PASSWORD,
        }),
      );
    });

    it('decrypts an OpenSSL Proc-Type encrypted RSA key', () => {
      const key = openssl(
        'rsa',
        '-in',
        'leaf.key',
        '-traditional',
        '-aes256',
        '-passout',
        `pass:${PASSWORD}`,
      );
      expect(String(key)).toContain('Proc-Type: 4,ENCRYPTED');
      expectUsable(
        loadKeyMaterial({
          privateKeyPem: String(key),
          certificateChainPem: chainPem(),
          password: PASSWORD,
        }),
      );
    });

    it('takes the certificates from the key file when no chain is given', () => {
      expectUsable(loadKeyMaterial({ privateKeyPem: text('leaf.key') + chainPem() }));
    });

    describe('when the key is encrypted', () => {
      const encrypted = () =>
        String(
          openssl(
            'pkcs8',
            '-topk8',
            '-in',
            'leaf.key',
            '-passout',
            `pass:${PASSWORD}`,
            '-v2',
            'aes-256-cbc',
          ),
        );

      it('and no password is given, reports NU3001 asking for it', () => {
        const subject = thrown(() =>
          loadKeyMaterial({
            privateKeyPem: encrypted(),
            certificateChainPem: chainPem(),
            source: 'key.pem',
          }),
        );
        expect(subject.code).toBe('NU3001');
        expect(subject.message).toBe('The private key in key.pem is encrypted; give its password.');
      });

      it('and the password is wrong, reports NU3001 and reveals neither password', () => {
        const subject = thrown(() =>
          loadKeyMaterial({
            privateKeyPem: encrypted(),
            certificateChainPem: chainPem(),
            password: WRONG,
          }),
        );
        expect(subject.code).toBe('NU3001');
        expect(everythingIn(subject)).not.toContain(WRONG);
        expect(everythingIn(subject)).not.toContain(PASSWORD);
      });
    });

    it('reports NU3001 when no certificate matches the key', () => {
      const subject = thrown(() =>
        loadKeyMaterial({ privateKeyPem: text('leaf.key'), certificateChainPem: text('ca.pem') }),
      );
      expect(subject.code).toBe('NU3001');
      for (const fragment of keyFragments()) expect(everythingIn(subject)).not.toContain(fragment);
    });

    it('reports NU3001 when the PEM holds no private key', () => {
      const subject = thrown(() =>
        loadKeyMaterial({ privateKeyPem: text('ca.pem'), certificateChainPem: chainPem() }),
      );
      expect(subject.code).toBe('NU3001');
      expect(subject.message).toMatch(/No private key found/);
    });
  });

  describe('with both or neither input', () => {
    it('reports a usage error', () => {
      expect(thrown(() => loadKeyMaterial({})).code).toBe('NUPKG003');
      expect(thrown(() => loadKeyMaterial({ pfx: Buffer.alloc(1), privateKeyPem: 'x' })).code).toBe(
        'NUPKG003',
      );
    });
  });
});
