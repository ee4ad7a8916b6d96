import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeError, NupkgSigningError } from '../../errors.js';
import type { SignerPolicy } from './model.js';
import { parsePolicy } from './parse-policy.js';

/**
 * Reads a policy file and the certificate files it names. The only I/O of the signer policy; paths
 * inside the file are relative to the file's directory.
 */
export function loadPolicyFile(path: string): SignerPolicy {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
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
    readCertificateFile: (file) => readFileSync(file),
  });
}
