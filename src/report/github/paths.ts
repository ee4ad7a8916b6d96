import { posix, win32 } from 'node:path';

/**
 * The path GitHub wants in annotations, check runs and SARIF: relative to the repository root
 * (the workspace), with forward slashes on every platform (Windows gives backslashes from globs
 * and directories). A package outside the workspace keeps its absolute path, in the platform's
 * own spelling. `platform` (default: the running one) picks the path rules, so both are tested.
 */
export function workspacePath(
  file: string,
  workspace: string,
  cwd: string,
  platform: NodeJS.Platform = process.platform,
): string {
  const path = platform === 'win32' ? win32 : posix;
  const absolute = path.resolve(cwd, file);
  const inside = path.relative(workspace, absolute);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return absolute;
  return inside.split(path.sep).join('/');
}
