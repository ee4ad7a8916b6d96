/**
 * A minimal DER tree for tests that rearrange CMS structures: parse (definite lengths only),
 * edit children arrays, encode again with fresh lengths. Independent of the product's reader, so
 * the differential tests do not check the reader against itself.
 *
 *   const root = parseDer(signature);
 *   const signedData = childAt(root, 1, 0); // ContentInfo → [0] → SignedData
 *   signedData.children?.reverse();
 *   const mutated = encodeDer(root);
 */
export interface DerNode {
  /** The identifier octet (single-byte tags only: enough for CMS and X.509). */
  tag: number;
  /** Children of a constructed node; undefined for a primitive one. */
  children?: DerNode[];
  /** Content octets of a primitive node. */
  content?: Buffer;
}

export function parseDer(bytes: Uint8Array): DerNode {
  const buffer = Buffer.from(bytes);
  const [node, end] = parseAt(buffer, 0, buffer.length);
  if (end !== buffer.length) throw new Error(`trailing bytes after the DER value at ${end}`);
  return node;
}

function parseAt(bytes: Buffer, at: number, limit: number): [DerNode, number] {
  const tag = bytes[at] as number;
  if ((tag & 0x1f) === 0x1f) throw new Error(`multi-byte tag at ${at}`);
  let length = bytes[at + 1] as number;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error(`unsupported length at ${at}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[at + 2 + i] as number);
    header += count;
  }
  const start = at + header;
  const end = start + length;
  if (end > limit) throw new Error(`value at ${at} runs past its parent`);
  if (!(tag & 0x20)) return [{ tag, content: Buffer.from(bytes.subarray(start, end)) }, end];
  const children: DerNode[] = [];
  for (let next = start; next < end;) {
    const [child, childEnd] = parseAt(bytes, next, end);
    children.push(child);
    next = childEnd;
  }
  return [{ tag, children }, end];
}

export function encodeDer(node: DerNode): Buffer {
  const body = node.children
    ? Buffer.concat(node.children.map(encodeDer))
    : (node.content ?? Buffer.alloc(0));
  return Buffer.concat([Buffer.from([node.tag]), encodeLength(body.length), body]);
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let v = length; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Follows child indexes from `node`; throws when the path does not exist. */
export function childAt(node: DerNode, ...path: number[]): DerNode {
  let current = node;
  for (const index of path) {
    const next = current.children?.[index];
    if (!next) throw new Error(`no child ${index} in the DER path ${path.join('/')}`);
    current = next;
  }
  return current;
}

/** A deep copy, so one parsed signature can seed many mutations. */
export function cloneDer(node: DerNode): DerNode {
  return node.children
    ? { tag: node.tag, children: node.children.map(cloneDer) }
    : { tag: node.tag, content: Buffer.from(node.content ?? Buffer.alloc(0)) };
}
