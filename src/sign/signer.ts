import { digest } from '../crypto.js';
import { HASH_ALGORITHMS, type HashAlgorithmName } from '../hash-algorithms.js';
import { objectIdentifier, octetString, sequence } from '../asn1/encode.js';

/**
 * What the signature builders need from whoever holds the private key. Packaging code only sees
 * this interface, so the key can live in a file, an HSM or a cloud key service.
 *
 * NuGet signatures are RSA PKCS#1 v1.5 (nuget-signing-spec.md §4.4), so `sign` must return an
 * RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2) over `dataToSign` with `hashAlgorithm`. The builders
 * check the result against the certificate's public key before using it.
 */
export interface Signer {
  /** The signing certificate, DER. */
  readonly certificate: Uint8Array;
  /** Intermediate certificates (and the root if it should be embedded), DER, without the leaf. */
  readonly chain: readonly Uint8Array[];
  /** Signs `dataToSign` (the DER signed attributes); the signer hashes it itself. */
  sign(dataToSign: Uint8Array, hashAlgorithm: HashAlgorithmName): Promise<Uint8Array>;
}

/**
 * A signer that signs a precomputed digest, as remote key services do (cloud KMS "sign digest"
 * APIs, PKCS#11 with a hash-less mechanism). It receives `hash(dataToSign)`, never the data, and
 * must produce the same RSASSA-PKCS1-v1_5 signature, i.e. encrypt the `DigestInfo` for that digest
 * (`digestInfo()` builds it for services that want the raw block).
 */
export interface DigestSigner {
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
  signDigest(digest: Uint8Array, hashAlgorithm: HashAlgorithmName): Promise<Uint8Array>;
}

/**
 * The same signer, signing one request at a time in the order asked: a run keeps several
 * packages in flight, and a token, an HSM session or a user's signing command may not take
 * concurrent requests. A failed request does not block the next.
 */
export function oneAtATime(signer: Signer): Signer {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    certificate: signer.certificate,
    chain: signer.chain,
    sign(dataToSign, hashAlgorithm) {
      const result = queue.then(() => signer.sign(dataToSign, hashAlgorithm));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

/** Adapts a digest-level signer: hashes the data locally and sends only the digest. */
export function signerFromDigestSigner(remote: DigestSigner): Signer {
  return {
    certificate: remote.certificate,
    chain: remote.chain,
    sign: (dataToSign, hashAlgorithm) =>
      remote.signDigest(digest(hashAlgorithm, dataToSign), hashAlgorithm),
  };
}

/**
 * RFC 8017 §9.2 `DigestInfo ::= SEQUENCE { digestAlgorithm, digest OCTET STRING }`. PKCS#1 names the
 * parameters NULL for SHA-2; that is the form every RSA implementation expects inside the block.
 */
export function digestInfo(hashAlgorithm: HashAlgorithmName, digestValue: Uint8Array): Uint8Array {
  const { oid, length } = HASH_ALGORITHMS[hashAlgorithm];
  if (digestValue.length !== length) {
    throw new RangeError(
      `A ${hashAlgorithm} digest is ${length} bytes, not ${digestValue.length}.`,
    );
  }
  const withNullParameters = sequence(objectIdentifier(oid), Uint8Array.of(0x05, 0x00));
  return sequence(withNullParameters, octetString(digestValue));
}
