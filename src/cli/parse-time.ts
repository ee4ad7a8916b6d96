import { NupkgSigningError } from '../errors.js';

/** Parses `--at`: an ISO 8601 date or date-time (UTC when no zone is given). */
export function parseTime(text: string): Date {
  const withZone = /T.*(Z|[+-]\d\d:?\d\d)$/i.test(text) || !text.includes('T') ? text : `${text}Z`;
  const time = new Date(withZone);
  if (Number.isNaN(time.getTime())) {
    throw new NupkgSigningError(
      'NUPKG003',
      `'${text}' is not a time. Use ISO 8601, e.g. 2024-05-01T12:00:00Z.`,
    );
  }
  return time;
}
