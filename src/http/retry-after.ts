/**
 * Retry-After (RFC 9110 §10.2.3) as a wait in milliseconds. Both forms are read: delay-seconds,
 * and an HTTP-date. A date is measured against the answer's own Date header when it has one, so
 * a skewed local clock changes nothing; only without it is the local clock (`now`) asked. A date
 * already past means no wait. Anything else is ignored (undefined): the backoff applies.
 */
export function retryAfterMs(
  value: string | undefined,
  answerDate: string | undefined,
  now: () => number = Date.now,
): number | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = httpDate(text);
  if (at === undefined) return undefined;
  return Math.max(0, at - (httpDate(answerDate?.trim() ?? '') ?? now()));
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** The three forms a recipient must accept (RFC 9110 §5.6.7), all in GMT. */
const HTTP_DATE_FORMS = [
  new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`), // IMF-fixdate
  new RegExp(`^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`), // RFC 850
  new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`), // asctime
];

/** Milliseconds since the epoch of an HTTP-date, or undefined for any other text. */
function httpDate(text: string): number | undefined {
  const form = HTTP_DATE_FORMS.findIndex((pattern) => pattern.test(text));
  if (form === -1) return undefined;
  // asctime carries no zone; it is GMT by definition, so say so rather than let it be local time.
  const parsed = Date.parse(form === 2 ? `${text} GMT` : text);
  return Number.isFinite(parsed) ? parsed : undefined;
}
