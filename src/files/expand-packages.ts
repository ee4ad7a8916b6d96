import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { NupkgSigningError } from '../errors.js';

/**
 * Turns the user's FILE|DIR|GLOB arguments into package paths: a file as given, a directory as
 * every `*.nupkg` below it, a glob (`*`, `**`, `?`) as the files it matches. Sorted and without
 * duplicates. An argument that names nothing is a usage error (NUPKG003) naming it.
 */
export async function expandPackageArguments(
  args: readonly string[],
  cwd = process.cwd(),
): Promise<string[]> {
  const found = new Set<string>();
  for (const arg of args) {
    const matches = await expandOne(arg, cwd);
    if (matches.length === 0) {
      throw new NupkgSigningError(
        'NUPKG003',
        isGlob(arg)
          ? `No package matches '${arg}'. Check the pattern and the working directory (${cwd}).`
          : `No such file or directory: '${arg}'.`,
      );
    }
    for (const match of matches) found.add(match);
  }
  return [...found].sort();
}

async function expandOne(arg: string, cwd: string): Promise<string[]> {
  if (!isGlob(arg)) {
    const path = resolve(cwd, arg);
    const info = await stat(path).catch(() => undefined);
    if (!info) return [];
    if (info.isDirectory()) {
      return (await walk(path))
        .filter((f) => f.toLowerCase().endsWith('.nupkg'))
        .map((f) => relative(cwd, f));
    }
    return [arg];
  }
  const normalized = arg.split(/[\\/]/);
  const firstGlob = normalized.findIndex(isGlob);
  const base = resolve(cwd, normalized.slice(0, firstGlob).join(sep) || '.');
  const pattern = globToRegExp(normalized.slice(firstGlob).join('/'));
  const files = await walk(base);
  return files
    .filter((file) =>
      pattern.test(
        file
          .slice(base.length + 1)
          .split(sep)
          .join('/'),
      ),
    )
    .map((file) => relative(cwd, file));
}

function isGlob(text: string): boolean {
  return /[*?[]/.test(text);
}

/** `**` matches any number of directories, `*` and `?` stay within one path segment. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

/** Every file below `dir`, skipping node_modules and dot-directories (bounded by the tree). */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      out.push(...(await walk(path)));
    } else if (entry.isFile()) out.push(path);
  }
  return out;
}
