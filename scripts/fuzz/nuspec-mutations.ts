/**
 * Mutations of the nuspec's text (issue 11): whitespace runs, repeated and unclosed tags, deep
 * nesting, and re-encodings (byte order marks, UTF-16/UTF-32, declarations that lie). Like the
 * other mutations they are plain data resolved at apply time. The nuspec entry is inflated,
 * edited as text, re-encoded and spliced back with consistent sizes, CRC and offsets, so the
 * archive stays readable and the nuspec is what the reader meets.
 */
import fc from 'fast-check';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { crc32 } from '../../src/package/crc32.js';

export type NuspecMutation =
  | { kind: 'whitespace-run'; tag: number; length: number; char: number; close: boolean }
  | { kind: 'repeat-tag'; tag: number; count: number; close: boolean }
  | { kind: 'unclosed-tag'; tag: number }
  | { kind: 'nest'; tag: number; depth: number }
  | { kind: 'huge-attribute'; tag: number; length: number }
  | { kind: 'entity'; how: number }
  | { kind: 'encoding'; how: number };

// ---- text edits -------------------------------------------------------------------------------

const SPACES = [' ', '\t', '\n', '\r\n'];

/** Start tags in the text (`<name` followed by `>` or whitespace), as [start, end-of-tag]. */
function startTags(text: string): [number, number][] {
  const tags: [number, number][] = [];
  for (
    let at = text.indexOf('<');
    at >= 0 && tags.length < 10_000;
    at = text.indexOf('<', at + 1)
  ) {
    const next = text.charCodeAt(at + 1);
    if (next === 0x2f || next === 0x3f || next === 0x21) continue; // </, <?, <!
    const end = text.indexOf('>', at);
    if (end < 0) break;
    if (text[end - 1] !== '/') tags.push([at, end + 1]);
  }
  return tags;
}

function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

function tagName(text: string, [start, end]: [number, number]): string {
  return /^<([^\s/>]+)/.exec(text.slice(start, end))?.[1] ?? 'x';
}

function applyText(text: string, m: Exclude<NuspecMutation, { kind: 'encoding' }>): string {
  if (m.kind === 'entity') return withEntities(text, m.how);
  const tag = pick(startTags(text), m.tag);
  if (!tag) return text;
  const [start, end] = tag;
  const name = tagName(text, tag);
  switch (m.kind) {
    case 'whitespace-run': {
      // `<id>` + a long run, closed or not: the shape that backtracked catastrophically.
      const run = (SPACES[m.char] as string).repeat(m.length);
      return text.slice(0, end) + run + (m.close ? text.slice(end) : '');
    }
    case 'repeat-tag': {
      const open = text.slice(start, end);
      const repeated = open.repeat(m.count) + (m.close ? `</${name}>`.repeat(m.count) : '');
      return text.slice(0, start) + repeated + text.slice(m.close ? start : end);
    }
    case 'unclosed-tag':
      return text.slice(0, end);
    case 'nest':
      return `${text.slice(0, end)}${'<n>'.repeat(m.depth)}${'</n>'.repeat(m.depth)}${text.slice(end)}`;
    case 'huge-attribute':
      return `${text.slice(0, end - 1)} a="${'x'.repeat(m.length)}"${text.slice(end - 1)}`;
  }
}

/** A DTD: internal entities (billion laughs), an external one (XXE), or a parameter entity. */
function withEntities(text: string, how: number): string {
  const body = text.replace(/^\uFEFF?<\?xml[^>]*>/, '');
  const laughs = Array.from(
    { length: 9 },
    (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`,
  ).join('');
  const dtds = [
    `<!DOCTYPE package [<!ENTITY l0 "lol">${laughs}]>`,
    '<!DOCTYPE package [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE package SYSTEM "http://127.0.0.1:9/nuspec.dtd">',
    '<!DOCTYPE package [<!ENTITY % p SYSTEM "file:///dev/zero"> %p;]>',
    '<!DOCTYPE package>',
  ];
  const use = how === 0 ? '&l9;' : how === 1 ? '&x;' : '';
  return `<?xml version="1.0"?>${dtds[how % dtds.length] as string}${body.replace('</id>', `${use}</id>`)}`;
}

// ---- encodings --------------------------------------------------------------------------------

/** Text → bytes; some lie (a declaration that disagrees with the bytes, a lone surrogate). */
const ENCODINGS: ((text: string) => Buffer)[] = [
  (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]),
  (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(declare(t, 'utf-16'), 'utf16le')]),
  (t) =>
    Buffer.concat([
      Buffer.from([0xfe, 0xff]),
      swap16(Buffer.from(declare(t, 'utf-16'), 'utf16le')),
    ]),
  (t) => Buffer.from(declare(t, 'utf-16'), 'utf16le'),
  (t) => swap16(Buffer.from(declare(t, 'utf-16'), 'utf16le')),
  (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(declare(t, 'utf-8'), 'utf16le')]),
  (t) => Buffer.from(declare(t, 'utf-16'), 'utf8'),
  (t) => Buffer.from(declare(t, 'iso-8859-1'), 'latin1'),
  (t) => Buffer.from(declare(t, 'windows-1252'), 'latin1'),
  (t) => utf32(declare(t, 'utf-32')),
  (t) =>
    Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(t.replace('</id>', '\ud800</id>'), 'utf16le'),
    ]),
  (t) =>
    Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(declare(t, 'utf-16'), 'utf16le').subarray(1),
    ]),
  (t) => Buffer.concat([Buffer.from(' '), Buffer.from(t, 'utf8')]),
];

function declare(text: string, encoding: string): string {
  const body = text.replace(/^\uFEFF?<\?xml[^>]*\?>/, '');
  return `<?xml version="1.0" encoding="${encoding}"?>${body}`;
}

function swap16(bytes: Buffer): Buffer {
  return Buffer.from(bytes).swap16();
}

function utf32(text: string): Buffer {
  const codes = Array.from(text, (c) => c.codePointAt(0) as number);
  const out = Buffer.alloc(4 + codes.length * 4);
  out.writeUInt32LE(0xfeff, 0);
  codes.forEach((code, i) => out.writeUInt32LE(code, 4 + i * 4));
  return out;
}

const nat = (max = 0x7fffffff) => fc.nat({ max });
/** Sizes around the ones that used to hang (3,000 and 100,000) and the limits. */
const size = fc.oneof(
  fc.constantFrom(1, 3000, 10_000, 100_000, 300_000),
  fc.integer({ min: 1, max: 200_000 }),
);

export const nuspecMutation: fc.Arbitrary<NuspecMutation> = fc.oneof(
  fc.record({
    kind: fc.constant('whitespace-run' as const),
    tag: nat(),
    length: size,
    char: nat(3),
    close: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('repeat-tag' as const),
    tag: nat(),
    count: size,
    close: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('unclosed-tag' as const), tag: nat() }),
  fc.record({
    kind: fc.constant('nest' as const),
    tag: nat(),
    depth: fc.oneof(fc.constantFrom(255, 256, 257, 100_000), fc.integer({ min: 1, max: 2000 })),
  }),
  fc.record({ kind: fc.constant('huge-attribute' as const), tag: nat(), length: size }),
  fc.record({ kind: fc.constant('entity' as const), how: nat(4) }),
  fc.record({ kind: fc.constant('encoding' as const), how: nat(ENCODINGS.length - 1) }),
);

/** One to three nuspec mutations; the encoding, if any, applies last. */
export const nuspecMutations = fc.array(nuspecMutation, { minLength: 1, maxLength: 3 });

/** The nuspec bytes after the mutations. */
export function mutateNuspec(original: Buffer, mutations: readonly NuspecMutation[]): Buffer {
  let text = original.toString('utf8');
  let encode = (t: string) => Buffer.from(t, 'utf8');
  for (const m of mutations) {
    if (m.kind === 'encoding') encode = ENCODINGS[m.how % ENCODINGS.length] as typeof encode;
    else text = applyText(text, m);
  }
  return encode(text);
}

// ---- splicing the entry back -----------------------------------------------------------------

/** Replaces the root-level nuspec's data, fixing sizes, CRC, offsets and the end record. */
export function applyNuspecMutations(zip: Buffer, mutations: readonly NuspecMutation[]): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length) return zip;
  const cdOffset = zip.readUInt32LE(eocd + 16);
  const records: { position: number; size: number; offset: number; name: string }[] = [];
  for (let at = cdOffset; at + 46 <= zip.length && zip.readUInt32LE(at) === 0x02014b50;) {
    const nameLength = zip.readUInt16LE(at + 28);
    const size = 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.toString('latin1', at + 46, at + 46 + nameLength);
    records.push({ position: at, size, offset: zip.readUInt32LE(at + 42), name });
    at += size;
  }
  const record = records.find(
    (r) =>
      !r.name.includes('/') && !r.name.includes('\\') && r.name.toLowerCase().endsWith('.nuspec'),
  );
  if (!record) return zip;
  const lfh = record.offset;
  const method = zip.readUInt16LE(record.position + 10);
  const compressed = zip.readUInt32LE(record.position + 20);
  if (zip.readUInt32LE(lfh) !== 0x04034b50 || compressed === 0xffffffff) return zip;
  const dataStart = lfh + 30 + zip.readUInt16LE(lfh + 26) + zip.readUInt16LE(lfh + 28);
  let dataEnd = dataStart + compressed;
  if ((zip.readUInt16LE(lfh + 6) & 0x08) !== 0)
    dataEnd += zip.readUInt32LE(dataEnd) === 0x08074b50 ? 16 : 12;
  const stored = zip.subarray(dataStart, dataStart + compressed);
  const original = method === 8 ? inflateRawSync(stored) : Buffer.from(stored);
  const data = mutateNuspec(original, mutations);
  const body = method === 8 ? deflateRawSync(data) : data;
  const crc = crc32(data);

  const header = Buffer.from(zip.subarray(lfh, dataStart));
  header.writeUInt16LE(header.readUInt16LE(6) & ~0x08, 6);
  header.writeUInt32LE(crc, 14);
  header.writeUInt32LE(body.length, 18);
  header.writeUInt32LE(data.length, 22);
  const out = Buffer.concat([zip.subarray(0, lfh), header, body, zip.subarray(dataEnd)]);
  const delta = header.length + body.length - (dataEnd - lfh);
  for (const r of records) {
    const at = r.position + delta;
    if (r.offset > lfh) out.writeUInt32LE(r.offset + delta, at + 42);
    if (r === record) {
      out.writeUInt16LE(out.readUInt16LE(at + 8) & ~0x08, at + 8);
      out.writeUInt32LE(crc, at + 16);
      out.writeUInt32LE(body.length, at + 20);
      out.writeUInt32LE(data.length, at + 24);
    }
  }
  out.writeUInt32LE(cdOffset + delta, eocd + delta + 16);
  return out;
}
