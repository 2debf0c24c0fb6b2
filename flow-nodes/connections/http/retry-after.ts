/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3) into a delay in milliseconds from `now`.
 * It is either whole seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT").
 * Returns undefined for a missing or unreadable value, so the retry policy's own backoff
 * applies instead of a guess. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | readonly string[] | undefined, now: Date): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  // Seconds first: Date.parse would read "2" as the year 2001.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // Anything else must look like a date with a month or weekday name; "-1" or "soon" are not dates.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
