let cachedMs = NaN;
let cachedIso = '';

/** `new Date(ms).toISOString()`, formatted once per millisecond (a busy service logs several lines in each). */
export function isoTime(ms: number): string {
  if (ms !== cachedMs) {
    cachedMs = ms;
    cachedIso = new Date(ms).toISOString();
  }
  return cachedIso;
}
