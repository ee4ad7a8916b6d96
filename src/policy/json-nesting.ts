/**
 * How deeply a JSON text nests arrays and objects, found by one pass over its characters before it
 * is parsed, so a document made of nothing but brackets is refused with a line number instead of
 * being built and walked. Brackets inside strings do not count.
 */
export function findJsonNestingOverflow(
  text: string,
  limit: number,
): { readonly line: number } | undefined {
  let depth = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) line += 1;
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limit) return { line };
    } else if (c === 0x5d || c === 0x7d) depth = Math.max(0, depth - 1);
  }
  return undefined;
}
