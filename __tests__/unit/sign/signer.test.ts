import { createHash, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { LocalKeySigner } from '../../../src/sign/local-key-signer.js';
import {
  digestInfo,
  oneAtATime,
  signerFromDigestSigner,
  type DigestSigner,
} from '../../../src/sign/signer.js';
import { createSigningPki, hex, type SigningPki } from './sign-fixtures.js';

let pki: SigningPki;
beforeAll(async () => {
  pki = await createSigningPki();
});

describe('LocalKeySigner', () => {
  describe('when it is printed, serialised or inspected', () => {
    it('never shows the private key', () => {
      const subject = pki.signer;
      const pem = pki.leaf.keyObject.export({ type: 'pkcs8', format: 'pem' }).toString();
      const keyBody = pem.split('\n')[1] as string;
      const jwk = pki.leaf.keyObject.export({ format: 'jwk' });
      const outputs = [
        String(subject),
        JSON.stringify(subject),
        JSON.stringify({ options: { signer: subject } }),
        inspect(subject, { depth: 10, showHidden: true }),
        inspect({ signer: subject }, { depth: 10 }),
      ];
      for (const output of outputs) {
        expect(output).not.toContain(keyBody);
        expect(output).not.toContain(jwk.d as string);
        expect(output).not.toContain('PRIVATE KEY');
        expect(output).toMatch(/redacted/);
      }
      expect(String(subject)).toBe('LocalKeySigner(CN=Sign Test Author, private key redacted)');
    });
  });

  describe('when the key does not belong to the certificate', () => {
    it('refuses with NUPKG003', async () => {
      const other = await createSigningPki();
      expect(() => new LocalKeySigner(other.leaf.keyObject, pki.leaf.certificate)).toThrow(
        expect.objectContaining({ code: 'NUPKG003' }),
      );
    });
  });

  describe('when the key is not an RSA private key', () => {
    it('refuses a public key with NU3014', () => {
      expect(() => new LocalKeySigner(pki.leaf.publicKeyObject, pki.leaf.certificate)).toThrow(
        expect.objectContaining({ code: 'NU3014' }),
      );
    });

    it('refuses an EC key with NU3014', () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      expect(() => new LocalKeySigner(privateKey, pki.leaf.certificate)).toThrow(
        expect.objectContaining({ code: 'NU3014' }),
      );
    });
  });

  describe('#sign and #signDigest', () => {
    it.each(['sha256', 'sha384', 'sha512'] as const)(
      'produce the same PKCS#1 v1.5 signature for %s',
      async (algorithm) => {
        const data = Buffer.from('signed attributes stand-in');
        const direct = await pki.signer.sign(data, algorithm);
        const viaDigest = await pki.signer.signDigest(
          createHash(algorithm).update(data).digest(),
          algorithm,
        );
        expect(direct).toHaveLength(256);
        expect(hex(viaDigest)).toBe(hex(direct));
      },
    );
  });

  it('keeps copies of the certificate and the chain', () => {
    expect(hex(pki.signer.certificate)).toBe(hex(pki.leaf.certificate));
    expect(pki.signer.chain.map(hex)).toEqual([hex(pki.root.certificate)]);
  });
});

describe('#signerFromDigestSigner', () => {
  describe('when a remote signer only signs digests', () => {
    it('sends it the hash of the data and returns its signature', async () => {
      const seen: Array<{ digest: string; algorithm: string }> = [];
      const remote: DigestSigner = {
        certificate: pki.leaf.certificate,
        chain: [],
        signDigest: (digest, algorithm) => {
          seen.push({ digest: hex(digest), algorithm });
          return pki.signer.signDigest(digest, algorithm);
        },
      };
      const data = Buffer.from('to be signed');
      const subject = signerFromDigestSigner(remote);
      const signature = await subject.sign(data, 'sha384');
      expect(seen).toEqual([
        { digest: createHash('sha384').update(data).digest('hex'), algorithm: 'sha384' },
      ]);
      expect(hex(signature)).toBe(hex(await pki.signer.sign(data, 'sha384')));
      expect(subject.certificate).toBe(remote.certificate);
    });
  });
});

describe('#digestInfo', () => {
  it('writes the RFC 8017 DigestInfo with NULL parameters for SHA-256', () => {
    const digest = Buffer.alloc(32, 0x5a);
    expect(hex(digestInfo('sha256', digest))).toBe(
      `3031300d060960864801650304020105000420${hex(digest)}`,
    );
  });

  it('refuses a digest of the wrong length', () => {
    expect(() => digestInfo('sha512', Buffer.alloc(32))).toThrow(RangeError);
  });
});

describe('oneAtATime', () => {
  it('never lets two requests reach the signer at once, and a failure does not block the next', async () => {
    let busy = 0;
    let most = 0;
    let calls = 0;
    const slow = {
      certificate: new Uint8Array([1]),
      chain: [],
      async sign(): Promise<Uint8Array> {
        calls++;
        busy++;
        most = Math.max(most, busy);
        await new Promise((resolve) => setTimeout(resolve, 5));
        busy--;
        if (calls === 2) throw new Error('token busy');
        return Uint8Array.of(calls);
      },
    };
    const subject = oneAtATime(slow);
    const results = await Promise.allSettled(
      [0, 1, 2, 3].map(() => subject.sign(new Uint8Array(), 'sha256')),
    );
    expect(most).toBe(1);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(subject.certificate).toBe(slow.certificate);
  });
});
