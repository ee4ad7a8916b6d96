import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The path GitHub wants in annotations, check runs and SARIF: relative to the repository root
 * (the workspace), with forward slashes. A package outside the workspace keeps its absolute path.
 */
export function workspacePath(file: string, workspace: string, cwd: string): string {
  const absolute = resolve(cwd, file);
  const inside = relative(workspace, absolute);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return absolute;
  return inside.split(sep).join('/');
}
