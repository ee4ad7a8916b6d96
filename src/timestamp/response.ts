import * as asn1js from 'asn1js';
import { decodeBer } from '../asn1/decode.js';
import { NupkgSigningError } from '../errors.js';

/** RFC 3161 §2.4.2 PKIStatus values. */
const PKI_STATUS_NAMES = [
  'granted',
  'grantedWithMods',
  'rejection',
  'waiting',
  'revocationWarning',
  'revocationNotification',
] as const;

/** RFC 3161 §2.4.2 PKIFailureInfo bit names. */
const FAILURE_INFO_NAMES: Readonly<Record<number, string>> = {
  0: 'badAlg',
  2: 'badRequest',
  5: 'badDataFormat',
  14: 'timeNotAvailable',
  15: 'unacceptedPolicy',
  16: 'unacceptedExtension',
  17: 'addInfoNotAvailable',
  25: 'systemFailure',
};

export interface PKIStatusInfo {
  readonly status: number;
  readonly statusStrings: readonly string[];
  readonly failInfo: readonly string[];
}

/**
 * Reads a TimeStampResp and returns the DER TimeStampToken when the status is granted (0) or
 * grantedWithMods (1). A body that is not a TimeStampResp, or any other status, is a failure of
 * the server (NUPKG006) and the message carries the status and its text.
 *
 *   TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL }
 */
export function readTimeStampResp(body: Uint8Array, url: string, contentType: string): Uint8Array {
  const decoded = decodeBer(body, 'timestampResponse');
  const response = decoded?.block;
  const statusInfo =
    decoded?.end === body.byteLength && response instanceof asn1js.Sequence
      ? readPkiStatusInfo(response.valueBlock.value[0])
      : undefined;
  if (statusInfo === undefined) {
    const type = contentType === '' ? 'no content type' : `content type '${contentType}'`;
    throw new NupkgSigningError(
      'NUPKG006',
      `The timestamp server ${url} did not return an RFC 3161 TimeStampResp (${body.byteLength} bytes, ${type}). Check that the URL is a timestamp service endpoint.`,
    );
  }
  if (statusInfo.status !== 0 && statusInfo.status !== 1) {
    throw new NupkgSigningError(
      'NUPKG006',
      `The timestamp server ${url} refused the request: ${describeStatus(statusInfo)}. Try again later or use another timestamp server.`,
    );
  }
  const token = (response as asn1js.Sequence).valueBlock.value[1];
  if (token === undefined) {
    throw new NupkgSigningError(
      'NUPKG006',
      `The timestamp server ${url} granted the request but sent no timestamp token.`,
    );
  }
  return Uint8Array.from(token.valueBeforeDecodeView);
}

/** PKIStatusInfo ::= SEQUENCE { status INTEGER, statusString PKIFreeText OPTIONAL, failInfo BIT STRING OPTIONAL } */
function readPkiStatusInfo(value: asn1js.AsnType | undefined): PKIStatusInfo | undefined {
  if (!(value instanceof asn1js.Sequence)) return undefined;
  const [status, ...rest] = value.valueBlock.value;
  if (!(status instanceof asn1js.Integer)) return undefined;
  const statusStrings: string[] = [];
  const failInfo: string[] = [];
  for (const field of rest) {
    if (field instanceof asn1js.Sequence) {
      for (const text of field.valueBlock.value) {
        if (text instanceof asn1js.Utf8String) statusStrings.push(text.valueBlock.value);
      }
    } else if (field instanceof asn1js.BitString) {
      failInfo.push(...setBits(field.valueBlock.valueHexView));
    }
  }
  return { status: status.valueBlock.valueDec, statusStrings, failInfo };
}

/** Names of the set bits; bit 0 is the most significant bit of the first byte (X.690 §8.6). */
function setBits(bytes: Uint8Array): string[] {
  const names: string[] = [];
  bytes.forEach((byte, index) => {
    for (let bit = 0; bit < 8; bit++) {
      if ((byte & (0x80 >> bit)) === 0) continue;
      const number = index * 8 + bit;
      names.push(FAILURE_INFO_NAMES[number] ?? `bit ${number}`);
    }
  });
  return names;
}

export function describeStatus(info: PKIStatusInfo): string {
  const name = PKI_STATUS_NAMES[info.status] ?? 'unknown';
  const parts = [`status ${info.status} (${name})`];
  if (info.statusStrings.length > 0) parts.push(`"${printable(info.statusStrings.join('; '))}"`);
  if (info.failInfo.length > 0) parts.push(`failure ${info.failInfo.join(', ')}`);
  return parts.join(', ');
}

/** Server text goes into logs and annotations: keep it one short, printable line. */
function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
}
