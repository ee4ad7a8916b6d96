import type { Issue } from '../../src/issues.js';
import type { PackageVerification } from '../../src/verify/verify-package.js';

/** A verification result for the renderers: an author signature, valid unless an issue is an error. */
export function packageResult(file: string, issues: readonly Issue[]): PackageVerification {
  return {
    file,
    valid: !issues.some((i) => i.level === 'error'),
    signature: 'author',
    countersigned: false,
    issues,
  };
}
