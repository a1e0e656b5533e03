/**
 * Paths scraped or probed every few seconds: kept out of traces and request logs (they would drown
 * the real traffic), still counted in the HTTP metrics.
 */
export function isQuietPath(url: string | undefined): boolean {
  if (!url) return false;
  return url === '/metrics' || url.startsWith('/metrics?') || url === '/health' || url.startsWith('/health/') || url.startsWith('/health?');
}
