/**
 * Decoding an XML file's bytes as .NET's XmlReader does (issue 11): which encodings are read, and
 * which are refused with an error rather than decoded into something else.
 */
import { decodeXml } from '../../../src/xml/decode.js';
import { XmlSyntaxError } from '../../../src/xml/errors.js';

const DOC = '<package><metadata><id>Café.€</id></metadata></package>';
const declared = (encoding: string) => `<?xml version="1.0" encoding="${encoding}"?>${DOC}`;
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
const bom = (...bytes: number[]) => Buffer.from(bytes);

function utf32(text: string, littleEndian: boolean): Buffer {
  const codes = Array.from(text, (c) => c.codePointAt(0) as number);
  const out = Buffer.alloc(codes.length * 4);
  codes.forEach((code, i) =>
    littleEndian ? out.writeUInt32LE(code, i * 4) : out.writeUInt32BE(code, i * 4),
  );
  return out;
}

function refusal(bytes: Buffer): string {
  try {
    decodeXml(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(XmlSyntaxError);
    return (error as Error).message;
  }
  throw new Error('decoded');
}

describe('decodeXml', () => {
  it.each([
    ['UTF-8 without BOM', Buffer.from(DOC)],
    ['UTF-8 with BOM', Buffer.concat([bom(0xef, 0xbb, 0xbf), Buffer.from(DOC)])],
    ['UTF-8 declared', Buffer.from(declared('UTF-8'))],
    [
      'UTF-16 LE with BOM',
      Buffer.concat([bom(0xff, 0xfe), Buffer.from(declared('utf-16'), 'utf16le')]),
    ],
    ['UTF-16 BE with BOM', Buffer.concat([bom(0xfe, 0xff), utf16be(declared('utf-16'))])],
    ['UTF-16 LE without BOM', Buffer.from(declared('utf-16'), 'utf16le')],
    ['UTF-16 BE without BOM', utf16be(DOC)],
    [
      'UTF-16 LE with BOM, no declaration',
      Buffer.concat([bom(0xff, 0xfe), Buffer.from(DOC, 'utf16le')]),
    ],
    ['UTF-32 LE with BOM', Buffer.concat([bom(0xff, 0xfe, 0, 0), utf32(declared('utf-32'), true)])],
    ['UTF-32 BE with BOM', Buffer.concat([bom(0, 0, 0xfe, 0xff), utf32(DOC, false)])],
  ])('reads %s', (_name, bytes) => {
    expect(decodeXml(bytes).replace(/^<\?xml[^>]*>/, '')).toBe(DOC);
  });

  it('reads Latin-1 when the declaration says so, even after a UTF-8 BOM (as .NET does)', () => {
    const latin = Buffer.from(declared('iso-8859-1').replace('€', 'E'), 'latin1');
    expect(decodeXml(latin)).toContain('<id>Café.E</id>');
    const afterBom = Buffer.concat([bom(0xef, 0xbb, 0xbf), Buffer.from(declared('latin1'))]);
    expect(decodeXml(afterBom)).toContain('<id>CafÃ©.â\u0082¬</id>');
  });

  it('reads bytes above 0x7F in a us-ascii file as "?", as .NET does', () => {
    expect(decodeXml(Buffer.from(declared('us-ascii').replace('€', 'E'), 'latin1'))).toContain(
      '<id>Caf?.E</id>',
    );
  });

  it.each([
    ['invalid UTF-8', Buffer.from(DOC.replace('é', '\u00e9'), 'latin1'), /not valid UTF-8/],
    [
      'an unpaired surrogate in UTF-16',
      Buffer.concat([bom(0xff, 0xfe), Buffer.from('<a>\ud800</a>', 'utf16le')]),
      /not valid UTF-16/,
    ],
    [
      'an odd UTF-16 length',
      Buffer.concat([bom(0xff, 0xfe), Buffer.from('<a/>', 'utf16le'), bom(0)]),
      /odd number/,
    ],
    [
      'UTF-16 bytes declaring utf-8',
      Buffer.concat([bom(0xff, 0xfe), Buffer.from(declared('utf-8'), 'utf16le')]),
      /is UTF-16 but its XML declaration says encoding="utf-8"/,
    ],
    ['8-bit bytes declaring utf-16', Buffer.from(declared('utf-16')), /no Unicode byte order mark/],
    [
      'windows-1252 (no code-page provider in .NET)',
      Buffer.from(declared('windows-1252')),
      /not supported/,
    ],
    ['an unknown encoding', Buffer.from(declared('bogus')), /"bogus" is not supported/],
  ])('refuses %s', (_name, bytes, says) => {
    expect(refusal(bytes)).toMatch(says);
  });

  it('decodes 16 MiB in bounded time', () => {
    const big = Buffer.concat([
      bom(0xff, 0xfe),
      Buffer.from(`<a>${' '.repeat(8 << 20)}</a>`, 'utf16le'),
    ]);
    const started = performance.now();
    expect(decodeXml(big).length).toBe((8 << 20) + 7);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
