/**
 * Parses the timestamps NAB and LASP files use: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` and
 * `YYYY-MM-DD HH:MM:SS.ffffff` (window labels), all read as UTC. Hand-rolled because
 * `Date.parse` treats the space-separated form as local time.
 */
export function parseTimestamp(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?)?$/.exec(text.trim());
  if (!match) throw new Error(`Unparseable timestamp: ${text}`);
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0'] = match;
  const millis = Math.floor(Number(`0.${fraction}`) * 1000);
  return Date.UTC(+year, +month - 1, +day, +hour, +minute, +second, millis);
}
