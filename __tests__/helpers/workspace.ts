import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildZip, nuspecEntry } from './zip-builder.js';

/**
 * Makes `dir` a workspace as a build step leaves it: `count` unsigned packages
 * `out/<name>.<i>.1.0.0.nupkg`, each with its own id. Returns `dir`.
 */
export function workspaceWithPackages(dir: string, count: number, name: string): string {
  mkdirSync(join(dir, 'out'), { recursive: true });
  for (let i = 0; i < count; i++) {
    writeFileSync(
      join(dir, 'out', `${name}.${i}.1.0.0.nupkg`),
      buildZip({ entries: [nuspecEntry(`${name}.${i}`, '1.0.0')] }),
    );
  }
  return dir;
}
