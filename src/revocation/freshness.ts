/** Clock difference tolerated between us and a responder or CRL issuer. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Data without nextUpdate is accepted for this long after thisUpdate. */
export const MAX_AGE_WITHOUT_NEXT_UPDATE_MS = 7 * 24 * 3_600_000;

export interface Freshness {
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
}

/**
 * Checks that revocation data is current at `now` (RFC 6960 §4.2.2.1, RFC 5280 §6.3.3 a):
 * issued no later than now (with a little clock skew) and not past its nextUpdate. Returns why it
 * is not, or undefined.
 */
export function checkFreshness(freshness: Freshness, now: Date, what: string): string | undefined {
  const time = now.getTime();
  if (freshness.thisUpdate.getTime() > time + CLOCK_SKEW_MS) {
    return `the ${what} is not yet valid (thisUpdate ${freshness.thisUpdate.toISOString()})`;
  }
  if (freshness.nextUpdate) {
    if (freshness.nextUpdate.getTime() + CLOCK_SKEW_MS < time) {
      return `the ${what} has expired (nextUpdate ${freshness.nextUpdate.toISOString()})`;
    }
  } else if (freshness.thisUpdate.getTime() + MAX_AGE_WITHOUT_NEXT_UPDATE_MS < time) {
    return `the ${what} is too old (thisUpdate ${freshness.thisUpdate.toISOString()}, no nextUpdate)`;
  }
  return undefined;
}
