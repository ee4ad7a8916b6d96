import { readHeader } from '../asn1/der-reader.js';
import { TAG } from '../asn1/tags.js';
import { describeError, NupkgSigningError } from '../errors.js';
import { toPem } from '../signature/certificate.js';

/** One `-----BEGIN <label>----- … -----END <label>-----` block (RFC 7468). */
export interface PemBlock {
  readonly label: string;
  /** The whole block as text, headers included (legacy encrypted keys keep their DEK-Info). */
  readonly text: string;
  /** The base64 text between the lines, without RFC 1421 header lines such as Proc-Type. */
  readonly base64: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * The one PEM reader: every block of `text`, in order, whatever its label (certificates, keys,
 * CRLs). Text outside the blocks (comments, bundle titles) is ignored, as OpenSSL does.
 */
export function readPemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(PEM_BLOCK)].map((match) => ({
    label: match[1] ?? '',
    text: match[0],
    base64: (match[2] ?? '')
      .split(/\r?\n/)
      .filter((line) => !line.includes(':'))
      .join('')
      .replace(/\s+/g, ''),
  }));
}

/** Labels of a certificate block: RFC 7468's, and the legacy one OpenSSL still reads. */
export function isCertificateBlock(block: PemBlock): boolean {
  return block.label === 'CERTIFICATE' || block.label === 'X509 CERTIFICATE';
}

/**
 * Extracts the DER of every `-----BEGIN CERTIFICATE-----` block (and the legacy
 * `X509 CERTIFICATE` label) in PEM text, refusing a block that is not base64. Other blocks are
 * ignored, as OpenSSL's bundle loader does: OpenSSL `TRUSTED CERTIFICATE` blocks carry trust
 * metadata after the DER and are not read.
 */
export function loadPemCertificates(text: string): Uint8Array[] {
  const certificates: Uint8Array[] = [];
  for (const block of readPemBlocks(text).filter(isCertificateBlock)) {
    const body = block.base64;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length === 0) {
      throw new Error(`certificate block ${certificates.length + 1} is not valid base64`);
    }
    certificates.push(new Uint8Array(Buffer.from(body, 'base64')));
  }
  return certificates;
}

const PEM_MARKER = Buffer.from('-----BEGIN', 'latin1');

/**
 * Whether a certificate file is DER — what Windows exports as `.cer` by default — rather than
 * PEM: it starts with an ASN.1 SEQUENCE and holds no `-----BEGIN` marker.
 */
export function isDerCertificateFile(bytes: Uint8Array): boolean {
  return bytes[0] === TAG.sequence && Buffer.from(bytes).indexOf(PEM_MARKER) === -1;
}

/**
 * The certificates of a file named as trust roots or a chain, PEM (any number of blocks) or DER
 * (one certificate, or several written back to back). Each DER certificate's declared length
 * must fit the file and the file must end with the last one, so a truncated or padded export is
 * refused instead of read in part. The certificates themselves are checked by their consumers.
 */
export function loadCertificateFile(bytes: Uint8Array): Uint8Array[] {
  if (!isDerCertificateFile(bytes))
    return loadPemCertificates(Buffer.from(bytes).toString('latin1'));
  const certificates: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const which = `DER certificate ${certificates.length + 1}`;
    if (bytes[offset] !== TAG.sequence) {
      throw new Error(`${which} at byte ${offset} does not start with an ASN.1 SEQUENCE`);
    }
    const end = offset + derElementLength(bytes, offset, which);
    if (end > bytes.length) {
      throw new Error(
        `${which} declares ${end - offset} bytes but only ${bytes.length - offset} remain (truncated)`,
      );
    }
    certificates.push(bytes.slice(offset, end));
    offset = end;
  }
  return certificates;
}

/**
 * A certificate chain file as PEM text, for the signing inputs that carry the chain as text: a DER
 * file is converted, PEM is returned as it is. Throws NU3001 naming `source` for a damaged DER file.
 */
export function certificateChainText(bytes: Uint8Array, source: string): string {
  if (!isDerCertificateFile(bytes)) return Buffer.from(bytes).toString('utf8');
  try {
    return loadCertificateFile(bytes).map(toPem).join('');
  } catch (error) {
    throw new NupkgSigningError(
      'NU3001',
      `The certificate chain ${source} is not a valid DER certificate file (${describeError(error)}). Export it again, as DER (.cer) or PEM.`,
      { file: source },
    );
  }
}

/** Header plus content length of the DER element at `offset` (definite lengths up to 4 bytes). */
function derElementLength(bytes: Uint8Array, offset: number, which: string): number {
  const header = readHeader(bytes, offset, bytes.length, 'der');
  if (header === 'indefinite length' || header === 'length field too long')
    throw new Error(`${which} has no definite length`);
  if (typeof header === 'string') throw new Error(`${which} is truncated in its length`);
  return header.start - offset + (header.length as number);
}
