import { NupkgSigningError } from '../../errors.js';
import { loadPemCertificates } from '../../trust/pem.js';
import { signerFromDigestSigner, type Signer } from '../signer.js';
import { CommandSigner } from './command-signer.js';
import { HttpSigner } from './http-signer.js';

export { CommandSigner } from './command-signer.js';
export { HttpSigner } from './http-signer.js';
export { splitCommandLine } from './command-line.js';
export { planCommandSpawn, type SpawnHost, type SpawnPlan } from './command-spawn.js';

export interface RemoteSignerOptions {
  /** Exactly one of `command` (one string, or the argument vector) and `url`. */
  readonly command?: string | readonly string[];
  readonly url?: string;
  /** PEM: the signing certificate first, then intermediates (and optionally the root). */
  readonly certificateChainPem: string;
  /** Names the PEM in messages. */
  readonly certificateChainSource?: string;
  readonly keyId?: string;
  readonly bearerToken?: string;
  readonly timeoutMs?: number;
}

/**
 * A Signer whose key lives elsewhere: the digest is computed here and only the digest leaves the
 * process (docs/remote-signing.md). The signature that comes back is checked against the
 * certificate by the signature builder before it is used.
 */
export function createRemoteSigner(options: RemoteSignerOptions): Signer {
  if ((options.command === undefined) === (options.url === undefined)) {
    throw new NupkgSigningError('NUPKG003', 'Give exactly one of a sign command and a sign URL.');
  }
  const source = options.certificateChainSource ?? 'the certificate chain';
  let certificates: Uint8Array[];
  try {
    certificates = loadPemCertificates(options.certificateChainPem);
  } catch {
    throw new NupkgSigningError('NU3001', `${source} is not valid PEM.`);
  }
  const [certificate, ...chain] = certificates;
  if (certificate === undefined) {
    throw new NupkgSigningError(
      'NU3001',
      `No certificate found in ${source}: remote signing needs the signing certificate (first) and its chain as PEM.`,
    );
  }
  const common = {
    certificate,
    chain,
    ...(options.keyId === undefined ? {} : { keyId: options.keyId }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const remote =
    options.command !== undefined
      ? new CommandSigner({ command: options.command, ...common })
      : new HttpSigner({
          url: options.url as string,
          ...common,
          ...(options.bearerToken === undefined ? {} : { bearerToken: options.bearerToken }),
        });
  return signerFromDigestSigner(remote);
}
