import { createHash, webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';
import type { HashAlgorithmName } from './hash-algorithms.js';

/**
 * The single place that configures pkijs's crypto engine: Node's WebCrypto, on Node 20 and 24
 * alike. Import `pkijs` through `getPkijs()` (or import this module first) so no code path runs
 * pkijs with an unset engine.
 */
pkijs.setEngine(
  'nodeEngine',
  new pkijs.CryptoEngine({
    name: 'nodeEngine',
    crypto: webcrypto as unknown as pkijs.ICryptoEngine['crypto'],
  }),
);

export function getPkijs(): typeof pkijs {
  return pkijs;
}

export function digest(algorithm: HashAlgorithmName, data: Uint8Array): Buffer {
  return createHash(algorithm).update(data).digest();
}

/** Copies a view into a standalone ArrayBuffer (pkijs and asn1js want whole ArrayBuffers). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
