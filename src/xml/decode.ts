import { XmlSyntaxError } from './errors.js';

/**
 * Turns the bytes of an XML file into text the way .NET's XmlReader does (NuGet reads nuspec and
 * nuget.config files with it): the encoding comes from the first bytes (a byte order mark, or the
 * UTF-16/UTF-32 pattern of "<"), else UTF-8; in an 8-bit file, the XML declaration's encoding may
 * switch to Latin-1 or ASCII. Invalid bytes are an error, as in .NET, never replaced silently.
 */
export function decodeXml(bytes: Uint8Array): string {
  const detected = detectEncoding(bytes);
  const body = bytes.subarray(detected.bomLength);
  if (detected.family !== 'utf-8') {
    const text =
      detected.family === 'utf-32'
        ? decodeUtf32(body, detected.littleEndian)
        : decodeUtf16(body, detected.littleEndian);
    const declared = declaredEncoding(text);
    if (declared !== undefined && familyOf(declared) !== detected.family) {
      throw new XmlSyntaxError(
        `the file is ${detected.family.toUpperCase()} but its XML declaration says encoding="${declared}"`,
        1,
      );
    }
    return text;
  }
  // An 8-bit file: the declaration, if any, is ASCII, so reading it as Latin-1 is exact.
  const head = Buffer.from(body.subarray(0, Math.min(body.length, DECLARATION_SCAN))).toString(
    'latin1',
  );
  const declared = declaredEncoding(head);
  const family = declared === undefined ? 'utf-8' : familyOf(declared);
  switch (family) {
    case 'utf-8':
      return decodeUtf8(body);
    case 'latin1':
      return Buffer.from(body).toString('latin1');
    case 'ascii':
      // .NET's ASCII decoder replaces each byte above 0x7F with "?".
      return Buffer.from(body)
        .toString('latin1')
        .replace(/[\u0080-\u00ff]/g, '?');
    case 'utf-16':
    case 'utf-32':
      throw new XmlSyntaxError(
        `the XML declaration says encoding="${declared}" but the file has no Unicode byte order mark`,
        1,
      );
    default:
      throw new XmlSyntaxError(`the encoding "${declared}" is not supported (use UTF-8)`, 1);
  }
}

/** How far into an 8-bit file we look for the end of the XML declaration. */
const DECLARATION_SCAN = 4096;

type Family = 'utf-8' | 'utf-16' | 'utf-32' | 'latin1' | 'ascii' | 'unsupported';

interface Detected {
  readonly family: 'utf-8' | 'utf-16' | 'utf-32';
  readonly littleEndian: boolean;
  readonly bomLength: number;
}

/** XmlTextReaderImpl.DetectEncoding: byte order marks, then "<" in UTF-32 or UTF-16. */
function detectEncoding(b: Uint8Array): Detected {
  const at = (i: number) => b[i] ?? -1;
  const [b0, b1, b2, b3] = [at(0), at(1), at(2), at(3)];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf)
    return { family: 'utf-8', littleEndian: true, bomLength: 3 };
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0)
    return { family: 'utf-32', littleEndian: true, bomLength: 4 };
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)
    return { family: 'utf-32', littleEndian: false, bomLength: 4 };
  if (b0 === 0xff && b1 === 0xfe) return { family: 'utf-16', littleEndian: true, bomLength: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { family: 'utf-16', littleEndian: false, bomLength: 2 };
  if (b0 === 0x3c && b1 === 0 && b2 === 0 && b3 === 0)
    return { family: 'utf-32', littleEndian: true, bomLength: 0 };
  if (b0 === 0 && b1 === 0 && b2 === 0 && b3 === 0x3c)
    return { family: 'utf-32', littleEndian: false, bomLength: 0 };
  if (b0 === 0x3c && b1 === 0) return { family: 'utf-16', littleEndian: true, bomLength: 0 };
  if (b0 === 0 && b1 === 0x3c) return { family: 'utf-16', littleEndian: false, bomLength: 0 };
  return { family: 'utf-8', littleEndian: true, bomLength: 0 };
}

/** The encoding named by an XML declaration at the very start of `text`, if there is one. */
function declaredEncoding(text: string): string | undefined {
  if (!/^<\?xml[ \t\r\n]/.test(text)) return undefined;
  const end = text.indexOf('?>');
  const declaration = text.slice(0, end < 0 ? Math.min(text.length, DECLARATION_SCAN) : end);
  // Linear: fixed literals around two single whitespace runs and a run without quotes.
  return /[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*(["'])([^"']*)\1/.exec(declaration)?.[2];
}

/** The encoding names .NET's Encoding.GetEncoding knows without a code-page provider. */
const FAMILIES: Readonly<Record<string, Family>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
  'unicode-2-0-utf-8': 'utf-8',
  'x-unicode11utf8': 'utf-8',
  'x-unicode20utf8': 'utf-8',
  'utf-16': 'utf-16',
  'utf-16le': 'utf-16',
  'utf-16be': 'utf-16',
  unicode: 'utf-16',
  'ucs-2': 'utf-16',
  unicodefffe: 'utf-16',
  'iso-10646-ucs-2': 'utf-16',
  'utf-32': 'utf-32',
  'utf-32le': 'utf-32',
  'utf-32be': 'utf-32',
  'iso-8859-1': 'latin1',
  latin1: 'latin1',
  l1: 'latin1',
  iso_8859_1: 'latin1',
  'iso_8859-1': 'latin1',
  'iso_8859-1:1987': 'latin1',
  'iso-ir-100': 'latin1',
  cp819: 'latin1',
  ibm819: 'latin1',
  csisolatin1: 'latin1',
  'us-ascii': 'ascii',
  ascii: 'ascii',
  us: 'ascii',
  'ansi_x3.4-1968': 'ascii',
  'ansi_x3.4-1986': 'ascii',
  cp367: 'ascii',
  ibm367: 'ascii',
  csascii: 'ascii',
  'iso-ir-6': 'ascii',
  'iso646-us': 'ascii',
  'iso_646.irv:1991': 'ascii',
};

function familyOf(name: string): Family {
  return FAMILIES[name.toLowerCase()] ?? 'unsupported';
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new XmlSyntaxError('the file is not valid UTF-8 (invalid byte sequence)', 1);
  }
}

function decodeUtf16(bytes: Uint8Array, littleEndian: boolean): string {
  if (bytes.length % 2 !== 0)
    throw new XmlSyntaxError('the file is UTF-16 but has an odd number of bytes', 1);
  try {
    return new TextDecoder(littleEndian ? 'utf-16le' : 'utf-16be', {
      fatal: true,
      ignoreBOM: true,
    }).decode(bytes);
  } catch {
    throw new XmlSyntaxError('the file is not valid UTF-16 (an unpaired surrogate)', 1);
  }
}

/** TextDecoder has no UTF-32; .NET reads it, so we decode it by hand. */
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  if (bytes.length % 4 !== 0)
    throw new XmlSyntaxError('the file is UTF-32 but its length is not a multiple of 4', 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    const code = view.getUint32(i, littleEndian);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      throw new XmlSyntaxError('the file is not valid UTF-32', 1);
    chunk.push(code);
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}
