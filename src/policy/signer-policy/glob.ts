/**
 * Glob patterns for package ids and certificate names: `*` is any run of characters, `?` one
 * character, everything else literal. Matching ignores case, because NuGet package ids are
 * case-insensitive and distinguished-name attribute values compare case-insensitively in practice.
 */

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'iu');
}

export function matchesGlob(pattern: string, value: string): boolean {
  return globToRegExp(pattern).test(value);
}

/** Number of literal characters: the more, the more specific the pattern. */
export function literalLength(pattern: string): number {
  return pattern.replace(/[*?]/g, '').length;
}

/**
 * Distinguished names from different tools differ in the spacing after commas ("CN=a,O=b" vs
 * "CN=a, O=b"); comparing without it avoids a rule that silently never matches.
 */
export function normalizeDistinguishedName(name: string): string {
  return name.trim().replace(/,\s+/g, ',');
}

export function matchesNamePattern(pattern: string, name: string): boolean {
  return matchesGlob(normalizeDistinguishedName(pattern), normalizeDistinguishedName(name));
}
