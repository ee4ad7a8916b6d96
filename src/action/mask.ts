import * as core from '@actions/core';

/**
 * Registers a secret with the runner so the log shows *** instead. The runner matches masks line
 * by line, so a multi-line secret (a PEM key) is also registered per line; the PEM armour lines
 * are not secret and stay readable.
 */
export function maskSecret(secret: string): void {
  if (secret === '') return;
  core.setSecret(secret);
  for (const line of secret.split(/\r?\n/)) {
    const text = line.trim();
    if (text !== '' && text !== secret && !text.startsWith('-----')) core.setSecret(text);
  }
}
