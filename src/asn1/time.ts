import { isUniversal, primitiveContent, StructureError, type DerNode } from './decode.js';
import { TAG } from './tags.js';

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/;
const GENERALIZED_TIME =
  /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})?$/;

/**
 * RFC 5652 `Time`: UTCTime (two-digit years, 1950–2049 per RFC 5280 §4.1.2.5.1) or
 * GeneralizedTime, which may carry fractional seconds (RFC 3161 genTime keeps them).
 */
export function readTime(block: DerNode | undefined, what: string): Date {
  const utc = isUniversal(block, TAG.utcTime);
  if (!block || (!utc && !isUniversal(block, TAG.generalizedTime))) {
    throw new StructureError(`${what} is not a UTCTime or GeneralizedTime`);
  }
  const text = Buffer.from(primitiveContent(block)).toString('latin1');
  const match = (utc ? UTC_TIME : GENERALIZED_TIME).exec(text);
  if (!match) throw new StructureError(`${what} '${text}' is not a valid time`);
  // Align both forms on [year, month, day, hour, minute, second, fraction, zone].
  const [y, mo, d, h, mi, s, fraction, zone] = utc
    ? [...match.slice(1, 7), undefined, match[7]]
    : match.slice(1);
  let year = Number(y);
  if (utc) year += year < 50 ? 2000 : 1900;
  const milliseconds = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  let time = Date.UTC(
    year,
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s ?? 0),
    milliseconds,
  );
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    time -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  }
  const date = new Date(time);
  if (Number.isNaN(date.getTime()))
    throw new StructureError(`${what} '${text}' is not a valid time`);
  return date;
}
