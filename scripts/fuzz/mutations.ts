/**
 * Structured mutations of a signed package, as fast-check arbitraries. A mutation is plain data
 * (kinds and natural numbers), resolved against the bytes at apply time, so fast-check can shrink
 * and replay it from a seed. CMS mutations edit the `.signature.p7s` bytes and splice them back
 * with consistent zip sizes; zip mutations edit records of the current archive.
 */
import fc from 'fast-check';
import { applyNuspecMutations, nuspecMutations, type NuspecMutation } from './nuspec-mutations.js';

// ---- the seed package ---------------------------------------------------------------------------

export interface SeedPackage {
  readonly name: string;
  readonly bytes: Buffer;
  /** Offset of the signature entry's local header and of its data; data length. */
  readonly signatureLocal: number;
  readonly signatureData: number;
  readonly signatureLength: number;
}

/** Locates the signature entry; CMS mutations need it to be the last local entry (§1.3). */
export function describeSeed(name: string, bytes: Buffer): SeedPackage {
  const zip = readZip(bytes);
  const record = zip.records.find((r) => r.name.equals(Buffer.from('.signature.p7s')));
  if (!record) throw new Error(`${name} is not signed`);
  const local = record.offset;
  const data = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
  const length = bytes.readUInt32LE(local + 22);
  if (data + length !== zip.cdOffset) throw new Error(`${name}: signature is not the last entry`);
  return {
    name,
    bytes,
    signatureLocal: local,
    signatureData: data,
    signatureLength: length,
  };
}

interface ZipRecord {
  position: number;
  offset: number;
  name: Buffer;
}

function readZip(bytes: Buffer): { eocd: number; cdOffset: number; records: ZipRecord[] } {
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return { eocd: -1, cdOffset: 0, records: [] };
  const cdOffset = eocd + 20 <= bytes.length ? bytes.readUInt32LE(eocd + 16) : 0;
  const records: ZipRecord[] = [];
  for (let at = cdOffset; at + 46 <= bytes.length && bytes.readUInt32LE(at) === 0x02014b50;) {
    const nameLength = bytes.readUInt16LE(at + 28);
    records.push({
      position: at,
      offset: bytes.readUInt32LE(at + 42),
      name: bytes.subarray(at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    if (records.length > 100_000) break;
  }
  return { eocd, cdOffset, records };
}

/** Replaces the seed's signature bytes, fixing the sizes and the CD offset (entry is last). */
export function spliceSignature(seed: SeedPackage, signature: Buffer): Buffer {
  const { bytes } = seed;
  const end = seed.signatureData + seed.signatureLength;
  const out = Buffer.concat([
    bytes.subarray(0, seed.signatureData),
    signature,
    bytes.subarray(end),
  ]);
  const delta = signature.length - seed.signatureLength;
  out.writeUInt32LE(signature.length, seed.signatureLocal + 18);
  out.writeUInt32LE(signature.length, seed.signatureLocal + 22);
  // The central directory moved by delta: fix the end record, then the signature's CD sizes.
  const eocd = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  out.writeUInt32LE((out.readUInt32LE(eocd + 16) + delta) >>> 0, eocd + 16);
  for (const record of readZip(out).records) {
    if (record.offset === seed.signatureLocal) {
      out.writeUInt32LE(signature.length, record.position + 20);
      out.writeUInt32LE(signature.length, record.position + 24);
    }
  }
  return out;
}

// ---- a DER tree with parent links, for length-consistent edits --------------------------------

interface Node {
  start: number;
  header: number;
  length: number;
  tag: number;
  children: Node[];
  parent: Node | undefined;
}

function parseNodes(bytes: Buffer, start: number, end: number, parent?: Node): Node[] {
  const nodes: Node[] = [];
  let at = start;
  while (at + 2 <= end) {
    const tag = bytes[at] as number;
    let length = bytes[at + 1] as number;
    let header = 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4 || at + 2 + count > end) break;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (bytes[at + 2 + i] as number);
      header += count;
    }
    if (at + header + length > end) break;
    const node: Node = { start: at, header, length, tag, children: [], parent };
    if (tag & 0x20) node.children = parseNodes(bytes, at + header, at + header + length, node);
    nodes.push(node);
    at += header + length;
  }
  return nodes;
}

function allNodes(roots: Node[]): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    out.push(n);
    n.children.forEach(walk);
  };
  roots.forEach(walk);
  return out;
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let v = length; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Replaces `node`'s contents with `body` and re-encodes every ancestor's length. */
function replaceBody(bytes: Buffer, node: Node, body: Buffer): Buffer {
  let current: Node | undefined = node;
  let replacement = Buffer.concat([Buffer.from([node.tag]), encodeLength(body.length), body]);
  let out = bytes;
  while (current) {
    const end = current.start + current.header + current.length;
    const parent: Node | undefined = current.parent;
    if (!parent) {
      out = Buffer.concat([out.subarray(0, current.start), replacement, out.subarray(end)]);
      break;
    }
    const bodyStart = parent.start + parent.header;
    const parentEnd = bodyStart + parent.length;
    const parentBody = Buffer.concat([
      out.subarray(bodyStart, current.start),
      replacement,
      out.subarray(end, parentEnd),
    ]);
    replacement = Buffer.concat([
      Buffer.from([parent.tag]),
      encodeLength(parentBody.length),
      parentBody,
    ]);
    current = parent;
  }
  return out;
}

const bodyOf = (bytes: Buffer, n: Node) =>
  bytes.subarray(n.start + n.header, n.start + n.header + n.length);
const rawOf = (bytes: Buffer, n: Node) => bytes.subarray(n.start, n.start + n.header + n.length);

/** Constructed nodes whose children are a SET/SEQUENCE OF worth reordering: attribute sets and certs. */
function collections(roots: Node[]): Node[] {
  return allNodes(roots).filter((n) => (n.tag & 0x20) !== 0 && n.children.length >= 2);
}

// ---- mutation descriptors ----------------------------------------------------------------------

const TAGS = [0x02, 0x04, 0x05, 0x06, 0x30, 0x31, 0xa0, 0xa1, 0xa3, 0x80, 0x17, 0x18, 0x00, 0xff];

export type CmsMutation =
  | { kind: 'length'; node: number; how: number; value: number }
  | { kind: 'tag'; node: number; tag: number }
  | { kind: 'truncate-cms'; at: number }
  | { kind: 'truncate-node'; node: number; drop: number }
  | { kind: 'duplicate-child'; set: number; child: number }
  | { kind: 'remove-child'; set: number; child: number }
  | { kind: 'swap-children'; set: number; a: number; b: number }
  | { kind: 'replace-child'; set: number; child: number; from: number }
  | { kind: 'flip-bit'; at: number; bit: number }
  | { kind: 'nest'; node: number; depth: number };

export type ZipMutation =
  | { kind: 'cd-field'; record: number; field: number; value: number; mode: number }
  | { kind: 'local-field'; record: number; field: number; value: number; mode: number }
  | { kind: 'eocd-field'; field: number; value: number; mode: number }
  | { kind: 'name'; record: number; mode: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; length: number; eocd: boolean }
  | { kind: 'prepend'; length: number }
  | { kind: 'duplicate-record'; record: number }
  | { kind: 'overlap'; record: number; other: number }
  | { kind: 'zip-flip-bit'; at: number; bit: number };

export interface Mutation {
  readonly cms: CmsMutation[];
  readonly zip: ZipMutation[];
  /** Edits of the nuspec's text and encoding (scripts/fuzz/nuspec-mutations.ts). */
  readonly nuspec?: NuspecMutation[];
}

const nat = (max = 0x7fffffff) => fc.nat({ max });
const u32 = fc.oneof(
  fc.constantFrom(0, 1, 2, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff, 0xffffffff),
  fc.nat({ max: 0xffffffff }),
);

const cmsMutation: fc.Arbitrary<CmsMutation> = fc.oneof(
  fc.record({ kind: fc.constant('length' as const), node: nat(), how: nat(5), value: u32 }),
  fc.record({ kind: fc.constant('tag' as const), node: nat(), tag: nat(0xff) }),
  fc.record({ kind: fc.constant('truncate-cms' as const), at: nat() }),
  fc.record({ kind: fc.constant('truncate-node' as const), node: nat(), drop: nat(64) }),
  fc.record({ kind: fc.constant('duplicate-child' as const), set: nat(), child: nat() }),
  fc.record({ kind: fc.constant('remove-child' as const), set: nat(), child: nat() }),
  fc.record({ kind: fc.constant('swap-children' as const), set: nat(), a: nat(), b: nat() }),
  fc.record({
    kind: fc.constant('replace-child' as const),
    set: nat(),
    child: nat(),
    from: nat(),
  }),
  fc.record({ kind: fc.constant('flip-bit' as const), at: nat(), bit: nat(7) }),
  fc.record({
    kind: fc.constant('nest' as const),
    node: nat(),
    depth: fc.integer({ min: 1, max: 300 }),
  }),
);

const zipMutation: fc.Arbitrary<ZipMutation> = fc.oneof(
  fc.record({
    kind: fc.constant('cd-field' as const),
    record: nat(),
    field: nat(),
    value: u32,
    mode: nat(3),
  }),
  fc.record({
    kind: fc.constant('local-field' as const),
    record: nat(),
    field: nat(),
    value: u32,
    mode: nat(3),
  }),
  fc.record({ kind: fc.constant('eocd-field' as const), field: nat(), value: u32, mode: nat(3) }),
  fc.record({ kind: fc.constant('name' as const), record: nat(), mode: nat(5) }),
  fc.record({ kind: fc.constant('truncate' as const), at: nat() }),
  fc.record({ kind: fc.constant('append' as const), length: nat(200), eocd: fc.boolean() }),
  fc.record({ kind: fc.constant('prepend' as const), length: nat(200) }),
  fc.record({ kind: fc.constant('duplicate-record' as const), record: nat() }),
  fc.record({ kind: fc.constant('overlap' as const), record: nat(), other: nat() }),
  fc.record({ kind: fc.constant('zip-flip-bit' as const), at: nat(), bit: nat(7) }),
);

/** One to three CMS mutations and/or one to three zip mutations. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    cms: fc.array(cmsMutation, { minLength: 1, maxLength: 3 }),
    zip: fc.constant<ZipMutation[]>([]),
  }),
  fc.record({
    cms: fc.constant<CmsMutation[]>([]),
    zip: fc.array(zipMutation, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    cms: fc.array(cmsMutation, { minLength: 1, maxLength: 2 }),
    zip: fc.array(zipMutation, { minLength: 1, maxLength: 2 }),
  }),
);

/** Nuspec-text mutations alone: the campaign draws every tenth case from here. */
export const nuspecCaseArbitrary: fc.Arbitrary<Mutation> = fc.record({
  cms: fc.constant<CmsMutation[]>([]),
  zip: fc.constant<ZipMutation[]>([]),
  nuspec: nuspecMutations,
});

// ---- applying --------------------------------------------------------------------------------

function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

function applyCms(signature: Buffer, m: CmsMutation): Buffer {
  const roots = parseNodes(signature, 0, signature.length);
  const nodes = allNodes(roots);
  switch (m.kind) {
    case 'length': {
      const node = pick(nodes, m.node);
      if (!node) return signature;
      const out = Buffer.from(signature);
      const lengthAt = node.start + 1;
      const current = node.length;
      const values = [current + 1, current - 1, m.value, current * 2, 0, current + 0x10000];
      const wanted = (values[m.how % values.length] as number) >>> 0;
      if (m.how === 5 || node.header === 2) {
        // Rewrite the length field (possibly changing its size): later bytes shift.
        const encoded = m.how === 4 ? Buffer.from([0x80]) : encodeLength(wanted);
        return Buffer.concat([
          out.subarray(0, lengthAt),
          encoded,
          out.subarray(node.start + node.header),
        ]);
      }
      // Long form: overwrite in place, keeping the field size.
      const count = node.header - 2;
      for (let i = 0; i < count; i++)
        out[lengthAt + 1 + i] = (wanted >>> (8 * (count - 1 - i))) & 0xff;
      return out;
    }
    case 'tag': {
      const node = pick(nodes, m.node);
      if (!node) return signature;
      const out = Buffer.from(signature);
      out[node.start] = pick(TAGS, m.tag) === 0xff ? m.tag : (pick(TAGS, m.tag) as number);
      return out;
    }
    case 'truncate-cms':
      return signature.subarray(0, m.at % Math.max(1, signature.length));
    case 'truncate-node': {
      const node = pick(nodes, m.node);
      if (!node) return signature;
      const body = bodyOf(signature, node);
      return replaceBody(signature, node, body.subarray(0, Math.max(0, body.length - 1 - m.drop)));
    }
    case 'nest': {
      // Wraps a node in `depth` SEQUENCEs (deep nesting, hostile to recursive decoders).
      const node = pick(nodes, m.node);
      if (!node?.parent) return signature;
      let wrapped = Buffer.from(rawOf(signature, node));
      for (let i = 0; i < m.depth; i++)
        wrapped = Buffer.concat([Buffer.from([0x30]), encodeLength(wrapped.length), wrapped]);
      const parent = node.parent;
      const body = bodyOf(signature, parent);
      const offset = node.start - (parent.start + parent.header);
      return replaceBody(
        signature,
        parent,
        Buffer.concat([
          body.subarray(0, offset),
          wrapped,
          body.subarray(offset + node.header + node.length),
        ]),
      );
    }
    case 'flip-bit': {
      const out = Buffer.from(signature);
      if (out.length === 0) return out;
      const at = m.at % out.length;
      out[at] = (out[at] as number) ^ (1 << m.bit);
      return out;
    }
    default: {
      const set = pick(collections(roots), m.set);
      if (!set) return signature;
      const items: Buffer[] = set.children.map((c) => Buffer.from(rawOf(signature, c)));
      const index = (i: number) => i % items.length;
      if (m.kind === 'duplicate-child')
        items.splice(index(m.child), 0, items[index(m.child)] as Buffer);
      else if (m.kind === 'remove-child') items.splice(index(m.child), 1);
      else if (m.kind === 'swap-children') {
        const [a, b] = [index(m.a), index(m.b)];
        [items[a], items[b]] = [items[b] as Buffer, items[a] as Buffer];
      } else items[index(m.child)] = items[index(m.from)] as Buffer;
      return replaceBody(signature, set, Buffer.concat(items));
    }
  }
}

const CD_FIELDS: [number, 2 | 4][] = [
  [8, 2],
  [10, 2],
  [16, 4],
  [20, 4],
  [24, 4],
  [28, 2],
  [30, 2],
  [32, 2],
  [34, 2],
  [36, 2],
  [38, 4],
  [42, 4],
];
const LOCAL_FIELDS: [number, 2 | 4][] = [
  [6, 2],
  [8, 2],
  [14, 4],
  [18, 4],
  [22, 4],
  [26, 2],
  [28, 2],
];
const EOCD_FIELDS: [number, 2 | 4][] = [
  [4, 2],
  [6, 2],
  [8, 2],
  [10, 2],
  [12, 4],
  [16, 4],
  [20, 2],
];

function writeField(bytes: Buffer, at: number, size: 2 | 4, value: number, mode: number): Buffer {
  if (at + size > bytes.length) return bytes;
  const out = Buffer.from(bytes);
  const old = size === 2 ? out.readUInt16LE(at) : out.readUInt32LE(at);
  const mask = size === 2 ? 0xffff : 0xffffffff;
  // mode: 0 set, 1 add, 2 subtract, 3 xor one bit
  const next =
    mode === 0
      ? value
      : mode === 1
        ? old + (value % 0x100) + 1
        : mode === 2
          ? old - (value % 0x100) - 1
          : old ^ (1 << (value % (size * 8)));
  if (size === 2) out.writeUInt16LE((next & mask) >>> 0, at);
  else out.writeUInt32LE((next & mask) >>> 0, at);
  return out;
}

function applyZip(bytes: Buffer, m: ZipMutation): Buffer {
  const zip = readZip(bytes);
  const record = 'record' in m ? pick(zip.records, m.record) : undefined;
  switch (m.kind) {
    case 'cd-field': {
      const [at, size] = pick(CD_FIELDS, m.field) as [number, 2 | 4];
      return record ? writeField(bytes, record.position + at, size, m.value, m.mode) : bytes;
    }
    case 'local-field': {
      const [at, size] = pick(LOCAL_FIELDS, m.field) as [number, 2 | 4];
      return record ? writeField(bytes, record.offset + at, size, m.value, m.mode) : bytes;
    }
    case 'eocd-field': {
      const [at, size] = pick(EOCD_FIELDS, m.field) as [number, 2 | 4];
      return zip.eocd >= 0 ? writeField(bytes, zip.eocd + at, size, m.value, m.mode) : bytes;
    }
    case 'name': {
      if (!record || record.name.length === 0) return bytes;
      const out = Buffer.from(bytes);
      const at = record.position + 46;
      switch (m.mode) {
        case 0: // toggle the UTF-8 flag
          out.writeUInt16LE(out.readUInt16LE(record.position + 8) ^ 0x800, record.position + 8);
          return out;
        case 1: // change case of the first letter
          out[at] = (out[at] as number) ^ 0x20;
          return out;
        case 2: // rename to .signature.p7s when the length allows (a second signature entry)
          if (record.name.length === 14) out.write('.signature.p7s', at, 'ascii');
          return out;
        case 3: // a path separator
          out[at] = 0x2f;
          return out;
        default: // a non-ASCII byte
          out[at] = 0xc3;
          return out;
      }
    }
    case 'truncate':
      return bytes.subarray(0, m.at % Math.max(1, bytes.length));
    case 'append': {
      const tail = Buffer.alloc(m.length, 0x41);
      if (m.eocd && m.length >= 22) tail.writeUInt32LE(0x06054b50, 0);
      return Buffer.concat([bytes, tail]);
    }
    case 'prepend':
      return Buffer.concat([Buffer.alloc(m.length, 0x42), bytes]);
    case 'duplicate-record': {
      if (!record || zip.eocd < 0) return bytes;
      const size =
        46 +
        bytes.readUInt16LE(record.position + 28) +
        bytes.readUInt16LE(record.position + 30) +
        bytes.readUInt16LE(record.position + 32);
      const copy = bytes.subarray(record.position, record.position + size);
      return Buffer.concat([bytes.subarray(0, zip.eocd), copy, bytes.subarray(zip.eocd)]);
    }
    case 'overlap': {
      const other = pick(zip.records, m.other);
      if (!record || !other) return bytes;
      const out = Buffer.from(bytes);
      out.writeUInt32LE(other.offset, record.position + 42);
      return out;
    }
    case 'zip-flip-bit': {
      const out = Buffer.from(bytes);
      if (out.length === 0) return out;
      const at = m.at % out.length;
      out[at] = (out[at] as number) ^ (1 << m.bit);
      return out;
    }
  }
}

/** The mutated package bytes. */
export function applyMutation(seed: SeedPackage, mutation: Mutation): Buffer {
  let bytes = seed.bytes;
  if (mutation.cms.length > 0) {
    let signature: Buffer = Buffer.from(
      seed.bytes.subarray(seed.signatureData, seed.signatureData + seed.signatureLength),
    );
    for (const m of mutation.cms) signature = applyCms(signature, m);
    bytes = spliceSignature(seed, signature);
  }
  if (mutation.nuspec && mutation.nuspec.length > 0)
    bytes = applyNuspecMutations(bytes, mutation.nuspec);
  for (const m of mutation.zip) bytes = applyZip(bytes, m);
  return bytes;
}
