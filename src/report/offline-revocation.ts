import type { Issue } from '../issues.js';
import { OFFLINE_REVOCATION_NOTE } from '../revocation/assess.js';

/**
 * The information note each signature gets when revocation was not checked because checking is
 * offline. Reports fold these into one line per run: on a batch they would otherwise be most of
 * what a reader sees, and they say the same thing every time.
 */
export function isOfflineRevocationNote(found: Pick<Issue, 'level' | 'message'>): boolean {
  return found.level === 'info' && found.message.includes(OFFLINE_REVOCATION_NOTE);
}
