import { dirname, resolve } from 'node:path';
import { describeError, NupkgSigningError } from '../../errors.js';
import { readBoundedFileSync } from '../../files/read-bounded-file.js';
import { LIMITS } from '../../limits.js';
import type { SignerPolicy } from './model.js';
import { parsePolicy } from './parse-policy.js';

/**
 * Reads a policy file and the certificate files it names. The only I/O of the signer policy; paths
 * inside the file are relative to the file's directory. Every read is bounded: only regular files
 * (a `file: /dev/zero` or a FIFO is refused at once instead of hanging), and no more bytes than the
 * limit, checked while reading.
 */
export function loadPolicyFile(path: string): SignerPolicy {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readBoundedFileSync(path, {
      maxBytes: LIMITS.maxPolicyFileBytes,
      code: 'NUPKG005',
      what: 'policy file',
    }).toString('utf8');
  } catch (error) {
    throw new NupkgSigningError(
      'NUPKG005',
      `cannot read policy file ${path}: ${describeError(error)}`,
      {
        file: path,
        cause: error,
      },
    );
  }
  return parsePolicy(text, {
    fileName: path,
    baseDir: dirname(absolute),
    readCertificateFile: (file) =>
      readBoundedFileSync(file, {
        maxBytes: LIMITS.maxCertificateFileBytes,
        code: 'NUPKG005',
        what: 'certificate file',
      }),
  });
}
