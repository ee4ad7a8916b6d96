/**
 * Generators for the differential tests against `dotnet nuget verify --all` (issue 11, finding 9):
 * from one signed package, a package per local-header field mutation of the signature entry, per
 * rearrangement of the CMS children (swapped, removed, duplicated) and per certificate-set shape
 * (duplicates, corrupt copies first or second, reordered, extra, missing). Each variant has a name
 * that says what was done; the oracle decides what the verdict must be.
 */
import { childAt, cloneDer, encodeDer, parseDer, type DerNode } from './der-tree.js';
import {
  readSignedArchive,
  withLocalEntry,
  withSignature,
  type LocalEntryParts,
} from './signature-entry-edit.js';

export interface Variant {
  readonly name: string;
  readonly bytes: Buffer;
}

const TIMESTAMP_TOKEN_OID = Buffer.from('2a864886f70d010910020e', 'hex'); // 1.2.840.113549.1.9.16.2.14
const COUNTERSIGNATURE_OID = Buffer.from('2a864886f70d010906', 'hex'); // 1.2.840.113549.1.9.6

// ---- the signature entry's local header ----------------------------------------------------------

/** One package per local header field of `.signature.p7s` (APPNOTE 4.3.7), each field changed. */
export function localHeaderVariants(pkg: Buffer): Variant[] {
  const archive = readSignedArchive(pkg);
  const variant = (name: string, edit: (parts: LocalEntryParts) => void): Variant => {
    const parts: LocalEntryParts = {
      fixed: Buffer.from(archive.entry.fixed),
      name: Buffer.from(archive.entry.name),
      extra: Buffer.from(archive.entry.extra),
      data: Buffer.from(archive.entry.data),
      trailer: Buffer.alloc(0),
    };
    edit(parts);
    return { name: `lfh-${name}`, bytes: withLocalEntry(archive, parts) };
  };
  const u16 = (offset: number, value: number) => (p: LocalEntryParts) =>
    p.fixed.writeUInt16LE(value, offset);
  const u32 = (offset: number, value: (old: number) => number) => (p: LocalEntryParts) =>
    p.fixed.writeUInt32LE(value(p.fixed.readUInt32LE(offset)) >>> 0, offset);
  const name = (bytes: string) => (p: LocalEntryParts) => {
    p.name = Buffer.from(bytes, 'latin1');
    p.fixed.writeUInt16LE(p.name.length, 26);
  };
  const extra = (bytes: Buffer) => (p: LocalEntryParts) => {
    p.extra = bytes;
    p.fixed.writeUInt16LE(bytes.length, 28);
  };
  const descriptor = (p: LocalEntryParts) => {
    const d = Buffer.alloc(16);
    d.writeUInt32LE(0x08074b50, 0);
    d.writeUInt32LE(p.fixed.readUInt32LE(14), 4);
    d.writeUInt32LE(p.data.length, 8);
    d.writeUInt32LE(p.data.length, 12);
    p.trailer = d;
  };
  const size = archive.entry.data.length;
  return [
    variant('unchanged', () => undefined),
    variant(
      'signature-wrong',
      u32(0, () => 0x04034b51),
    ),
    variant(
      'signature-central',
      u32(0, () => 0x02014b50),
    ),
    variant('version-needed-0', u16(4, 0)),
    variant('version-needed-63', u16(4, 63)),
    variant('version-needed-ffff', u16(4, 0xffff)),
    variant('flags-encrypted', u16(6, 0x0001)),
    variant('flags-bit1', u16(6, 0x0002)),
    variant('flags-data-descriptor', u16(6, 0x0008)),
    variant('flags-data-descriptor-with-descriptor', (p) => {
      u16(6, 0x0008)(p);
      descriptor(p);
    }),
    variant('flags-utf8', u16(6, 0x0800)),
    variant('flags-bit15', u16(6, 0x8000)),
    variant('method-deflate', u16(8, 8)),
    variant('method-99', u16(8, 99)),
    variant('time-zero', u16(10, 0)),
    variant('time-ffff', u16(10, 0xffff)),
    variant('date-zero', u16(12, 0)),
    variant('date-ffff', u16(12, 0xffff)),
    variant(
      'crc-wrong',
      u32(14, (crc) => crc ^ 0xffffffff),
    ),
    variant(
      'crc-zero',
      u32(14, () => 0),
    ),
    variant(
      'compressed-size-plus-1',
      u32(18, (n) => n + 1),
    ),
    variant(
      'compressed-size-zero',
      u32(18, () => 0),
    ),
    variant(
      'uncompressed-size-minus-1',
      u32(22, (n) => n - 1),
    ),
    variant(
      'uncompressed-size-zero',
      u32(22, () => 0),
    ),
    variant('sizes-both-minus-1', (p) => {
      u32(18, (n) => n - 1)(p);
      u32(22, (n) => n - 1)(p);
    }),
    variant('sizes-both-plus-1', (p) => {
      u32(18, (n) => n + 1)(p);
      u32(22, (n) => n + 1)(p);
    }),
    variant('sizes-both-zero', (p) => {
      u32(18, () => 0)(p);
      u32(22, () => 0)(p);
    }),
    variant('sizes-both-huge', (p) => {
      u32(18, () => 0x7fffffff)(p);
      u32(22, () => 0x7fffffff)(p);
    }),
    variant('name-length-minus-1', u16(26, 13)),
    variant('name-length-plus-1', u16(26, 15)),
    variant('name-length-zero', u16(26, 0)),
    variant('name-length-minus-1-extra-plus-1', (p) => {
      u16(26, 13)(p);
      u16(28, p.extra.length + 1)(p);
    }),
    variant('extra-length-plus-4', u16(28, archive.entry.extra.length + 4)),
    variant('extra-length-ffff', u16(28, 0xffff)),
    variant('name-upper-case', name('.SIGNATURE.P7S')),
    variant('name-one-letter-case', name('.Signature.p7s')),
    variant('name-other-extension', name('.signature.p7x')),
    variant('name-in-directory', name('a/.signature.p7s')),
    variant('name-trailing-nul', name('.signature.p7s\0')),
    variant('name-empty', name('')),
    variant('name-latin1', name('.signature.p7\u00e9')),
    variant('extra-unknown-block', extra(Buffer.from('feca0400deadbeef', 'hex'))),
    variant('extra-zip64-block', (p) => {
      const block = Buffer.alloc(20);
      block.writeUInt16LE(0x0001, 0);
      block.writeUInt16LE(16, 2);
      block.writeBigUInt64LE(BigInt(size), 4);
      block.writeBigUInt64LE(BigInt(size), 12);
      extra(block)(p);
    }),
    variant('extra-ntfs-timestamps', (p) => {
      const block = Buffer.alloc(36);
      block.writeUInt16LE(0x000a, 0);
      block.writeUInt16LE(32, 2);
      block.writeUInt16LE(1, 8);
      block.writeUInt16LE(24, 10);
      extra(block)(p);
    }),
    variant('extra-truncated-block', extra(Buffer.from('0100ff', 'hex'))),
    variant('extra-block-overruns', extra(Buffer.from('0100ff00', 'hex'))),
    variant('data-descriptor-without-flag', descriptor),
    variant('gap-after-data', (p) => {
      p.trailer = Buffer.alloc(7, 0x20);
    }),
  ];
}

// ---- CMS children ------------------------------------------------------------------------------

/** Swaps, removals and duplications of the children of `node`, as whole-tree edits. */
function childEdits(
  prefix: string,
  count: number,
  edit: (name: string, change: (children: DerNode[]) => void) => Variant,
): Variant[] {
  const variants: Variant[] = [];
  for (let i = 0; i + 1 < count; i++) {
    variants.push(
      edit(`${prefix}-swap-${i}-${i + 1}`, (c) => {
        [c[i], c[i + 1]] = [c[i + 1] as DerNode, c[i] as DerNode];
      }),
    );
  }
  for (let i = 0; i < count; i++) {
    variants.push(edit(`${prefix}-remove-${i}`, (c) => void c.splice(i, 1)));
    variants.push(edit(`${prefix}-duplicate-${i}`, (c) => void c.splice(i, 0, cloneDer(c[i]!))));
  }
  if (count > 2) variants.push(edit(`${prefix}-reverse`, (c) => void c.reverse()));
  return variants;
}

/** Where the SignedData of a ContentInfo sits: ContentInfo → [0] → SignedData. */
const SIGNED_DATA = [1, 0];

function signerInfoPath(contentInfo: DerNode): number[] {
  const signedData = childAt(contentInfo, ...SIGNED_DATA);
  return [...SIGNED_DATA, (signedData.children?.length ?? 1) - 1, 0];
}

/** Path of the first value of an unsigned attribute of the primary SignerInfo, if any. */
function unsignedValuePath(root: DerNode, oid: Buffer): number[] | undefined {
  const signerPath = signerInfoPath(root);
  const signer = childAt(root, ...signerPath);
  const unsignedIndex = signer.children?.findIndex((c) => c.tag === 0xa1) ?? -1;
  if (unsignedIndex < 0) return undefined;
  const attributes = childAt(signer, unsignedIndex).children ?? [];
  const index = attributes.findIndex((a) => a.children?.[0]?.content?.equals(oid));
  return index < 0 ? undefined : [...signerPath, unsignedIndex, index, 1, 0];
}

/** Path of the first timestamp token's ContentInfo in the primary SignerInfo, if any. */
function timestampTokenPath(root: DerNode): number[] | undefined {
  return unsignedValuePath(root, TIMESTAMP_TOKEN_OID);
}

/**
 * One package per rearrangement of the children of ContentInfo, SignedData, EncapsulatedContentInfo
 * and SignerInfo, in the primary signature, in its first timestamp token and in its first
 * countersignature; plus the optional
 * `crls [1]` field added, duplicated and misplaced.
 */
export function cmsChildVariants(pkg: Buffer): Variant[] {
  const archive = readSignedArchive(pkg);
  const original = parseDer(archive.entry.data);
  const edit =
    (path: number[]) =>
    (name: string, change: (children: DerNode[]) => void): Variant => {
      const root = cloneDer(original);
      const node = childAt(root, ...path);
      if (!node.children) throw new Error(`${name}: not a constructed node`);
      change(node.children);
      return { name: `cms-${name}`, bytes: withSignature(archive, encodeDer(root)) };
    };
  const countAt = (path: number[]) => childAt(original, ...path).children?.length ?? 0;
  const signedDataCount = countAt(SIGNED_DATA);
  const certificatesAt = childAt(original, ...SIGNED_DATA).children?.findIndex(
    (c) => c.tag === 0xa0,
  );
  const crls: DerNode = { tag: 0xa1, children: [] };
  const variants = [
    ...childEdits('contentinfo', countAt([]), edit([])),
    ...childEdits('signeddata', signedDataCount, edit(SIGNED_DATA)),
    ...childEdits('encapcontentinfo', countAt([...SIGNED_DATA, 2]), edit([...SIGNED_DATA, 2])),
    ...childEdits('signerinfo', countAt(signerInfoPath(original)), edit(signerInfoPath(original))),
    edit(SIGNED_DATA)('signeddata-empty-crls', (c) => void c.splice(c.length - 1, 0, crls)),
    edit(SIGNED_DATA)('signeddata-two-crls', (c) => void c.splice(c.length - 1, 0, crls, crls)),
    edit(SIGNED_DATA)('signeddata-crls-before-certificates', (c) => {
      if (certificatesAt !== undefined && certificatesAt >= 0) c.splice(certificatesAt, 0, crls);
    }),
    edit(SIGNED_DATA)('signeddata-certificates-after-signerinfos', (c) => {
      if (certificatesAt === undefined || certificatesAt < 0) return;
      c.push(...c.splice(certificatesAt, 1));
    }),
  ];
  const trailing = (name: string, bytes: Buffer): Variant => ({
    name: `cms-${name}`,
    bytes: withSignature(archive, Buffer.concat([archive.entry.data, bytes])),
  });
  variants.push(
    trailing('trailing-zero-bytes', Buffer.alloc(16)),
    trailing('trailing-garbage', Buffer.from('PK\x05\x06 not DER at all', 'latin1')),
    trailing('trailing-second-contentinfo', archive.entry.data),
  );
  const token = timestampTokenPath(original);
  if (token) {
    const tokenSignedData = [...token, ...SIGNED_DATA];
    variants.push(
      ...childEdits('timestamp-signeddata', countAt(tokenSignedData), edit(tokenSignedData)),
    );
    const tokenSigner = [...token, ...signerInfoPath(childAt(original, ...token))];
    variants.push(...childEdits('timestamp-signerinfo', countAt(tokenSigner), edit(tokenSigner)));
  }
  const countersigner = unsignedValuePath(original, COUNTERSIGNATURE_OID);
  if (countersigner) {
    variants.push(
      ...childEdits('countersignature-signerinfo', countAt(countersigner), edit(countersigner)),
    );
  }
  return variants;
}

// ---- the certificate set -----------------------------------------------------------------------

/** The certificate with one bit of its signature value flipped: decodes, does not verify. */
export function withBrokenSignature(certificate: DerNode): DerNode {
  const copy = cloneDer(certificate);
  const bits = childAt(copy, 2);
  const content = bits.content as Buffer;
  content[content.length - 1] = (content[content.length - 1] as number) ^ 0x01;
  return copy;
}

/** The certificate with a byte in the middle of its public key changed: another key, same names. */
export function withOtherKey(certificate: DerNode): DerNode {
  const copy = cloneDer(certificate);
  const tbs = childAt(copy, 0);
  const offset = tbs.children?.[0]?.tag === 0xa0 ? 1 : 0;
  const key = childAt(tbs, 5 + offset, 1).content as Buffer;
  const middle = Math.floor(key.length / 2);
  key[middle] = (key[middle] as number) ^ 0x5a;
  return copy;
}

/** A SEQUENCE no X.509 decoder accepts. */
const UNDECODABLE_CERTIFICATE: DerNode = {
  tag: 0x30,
  children: [{ tag: 0x02, content: Buffer.from([1]) }],
};

/**
 * One package per shape of SignedData.certificates: for each certificate, a good duplicate, a
 * duplicate whose first or second copy has a broken signature or another key, and the certificate
 * left out; then the set reversed, an undecodable certificate first and last, `extra` unrelated
 * certificates added, an empty set, no set, and certificate choices other than a Certificate.
 */
export function certificateSetVariants(
  pkg: Buffer,
  extra: readonly Uint8Array[] = [],
  /** Whole sets to try as they are, named (shapes that need certificates made for the test). */
  explicit: readonly { name: string; certificates: readonly Uint8Array[] }[] = [],
): Variant[] {
  const archive = readSignedArchive(pkg);
  const original = parseDer(archive.entry.data);
  const token = timestampTokenPath(original);
  return [
    ...certificateShapes(archive, original, SIGNED_DATA, 'certs', extra, explicit),
    // The timestamp token's own set: its chain is built the same way (NU3028 rather than NU3012).
    ...(token
      ? certificateShapes(
          archive,
          original,
          [...token, ...SIGNED_DATA],
          'timestamp-certs',
          extra,
          [],
        )
      : []),
  ];
}

function certificateShapes(
  archive: ReturnType<typeof readSignedArchive>,
  original: DerNode,
  signedDataPath: number[],
  prefix: string,
  extra: readonly Uint8Array[],
  explicit: readonly { name: string; certificates: readonly Uint8Array[] }[],
): Variant[] {
  const fields = childAt(original, ...signedDataPath).children ?? [];
  const at = fields.findIndex((c) => c.tag === 0xa0);
  if (at < 0) return [];
  const certificates = fields[at]?.children ?? [];
  const shape = (name: string, set: DerNode[] | undefined): Variant => {
    const root = cloneDer(original);
    const children = childAt(root, ...signedDataPath).children as DerNode[];
    if (set) children[at] = { tag: 0xa0, children: set.map(cloneDer) };
    else children.splice(at, 1);
    return { name: `${prefix}-${name}`, bytes: withSignature(archive, encodeDer(root)) };
  };
  const replaced = (i: number, ...copies: DerNode[]) => [
    ...certificates.slice(0, i),
    ...copies,
    ...certificates.slice(i + 1),
  ];
  const variants: Variant[] = [];
  certificates.forEach((certificate, i) => {
    variants.push(
      shape(`${i}-duplicated`, replaced(i, certificate, certificate)),
      shape(
        `${i}-broken-signature-copy-first`,
        replaced(i, withBrokenSignature(certificate), certificate),
      ),
      shape(
        `${i}-broken-signature-copy-second`,
        replaced(i, certificate, withBrokenSignature(certificate)),
      ),
      shape(`${i}-other-key-copy-first`, replaced(i, withOtherKey(certificate), certificate)),
      shape(`${i}-other-key-copy-second`, replaced(i, certificate, withOtherKey(certificate))),
      shape(`${i}-broken-signature-only`, replaced(i, withBrokenSignature(certificate))),
      shape(`${i}-removed`, replaced(i)),
    );
  });
  const unrelated = extra.map((der) => parseDer(der));
  variants.push(
    shape('reversed', [...certificates].reverse()),
    shape('undecodable-first', [UNDECODABLE_CERTIFICATE, ...certificates]),
    shape('undecodable-last', [...certificates, UNDECODABLE_CERTIFICATE]),
    shape('unrelated-first', [...unrelated, ...certificates]),
    shape('unrelated-last', [...certificates, ...unrelated]),
    shape('empty', []),
    shape('absent', undefined),
    shape('attribute-certificate-choice', [
      { tag: 0xa2, children: [{ tag: 0x02, content: Buffer.from([1]) }] },
      ...certificates,
    ]),
    shape('unknown-choice-tag', [
      { tag: 0xa4, children: [{ tag: 0x02, content: Buffer.from([1]) }] },
      ...certificates,
    ]),
    shape('octet-string-choice', [{ tag: 0x04, content: Buffer.from([1, 2, 3]) }, ...certificates]),
    ...explicit.map(({ name, certificates: set }) =>
      shape(
        name,
        set.map((der) => parseDer(der)),
      ),
    ),
  );
  return variants;
}
