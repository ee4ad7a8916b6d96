import { runPkcs11Tool, type Pkcs11Target } from './pkcs11-tool.js';

/** One object as `pkcs11-tool --list-objects` describes it. */
export interface TokenObject {
  /** CKA_ID in lowercase hex, when the object has one. */
  readonly id?: string;
  readonly label?: string;
}

const HEADINGS = { cert: 'Certificate Object', privkey: 'Private Key Object' } as const;

/** The token's objects of one type (after login, so private objects are listed too). */
export async function listTokenObjects(
  target: Pkcs11Target,
  type: keyof typeof HEADINGS,
): Promise<TokenObject[]> {
  const listing = await runPkcs11Tool(target, ['--list-objects', '--type', type]);
  return parseObjectListing(listing.toString('utf8'), HEADINGS[type]);
}

/**
 * Reads the `ID:` and `label:` lines of the blocks that start with `heading` (pkcs11-tool prints
 * one block per object: a heading at column 0, then indented attributes).
 */
export function parseObjectListing(listing: string, heading: string): TokenObject[] {
  const objects: { id?: string; label?: string }[] = [];
  let current: { id?: string; label?: string } | undefined;
  for (const line of listing.split(/\r?\n/)) {
    if (/^\S/.test(line)) {
      current = line.startsWith(heading) ? {} : undefined;
      if (current) objects.push(current);
      continue;
    }
    if (!current) continue;
    const id = /^\s+ID:\s+([0-9a-fA-F]+)\s*$/.exec(line)?.[1];
    if (id !== undefined) current.id = id.toLowerCase();
    const label = /^\s+label:\s+(.*?)\s*$/.exec(line)?.[1];
    if (label !== undefined) current.label = label;
  }
  return objects;
}

/** Whether `object` is the one the target names by id or label. */
export function isTargetObject(object: TokenObject, target: Pkcs11Target): boolean {
  return target.keyId !== undefined
    ? object.id === target.keyId.toLowerCase()
    : object.label === target.keyLabel;
}

/** `id 01 ('signing key')`, for messages that list what the token holds. */
export function describeObjects(objects: readonly TokenObject[]): string {
  if (objects.length === 0) return 'none';
  // Sorted: a token lists its objects in no particular order.
  const sorted = [...objects].sort((a, b) => (a.id ?? '').localeCompare(b.id ?? ''));
  const shown = sorted.slice(0, 10).map((object) => {
    const label = object.label === undefined ? '' : ` '${object.label.slice(0, 64)}'`;
    return `${object.id === undefined ? 'no id' : `id ${object.id}`}${label}`;
  });
  return `${shown.join(', ')}${objects.length > 10 ? `, and ${objects.length - 10} more` : ''}`;
}
