import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  hits: number;
  resetsAt: number;
}

/**
 * Rate-limit counters: one fixed window per caller, O(1) per request whatever the limit. (The
 * throttler's default storage keeps one timestamp per hit, so a generous limit costs a scan of
 * thousands of entries on every request.) Expired windows are swept when the map has doubled.
 */
export class FixedWindowStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private sweepAtSize = 1024;

  increment(key: string, ttlMs: number, limit: number): Promise<{ totalHits: number; timeToExpire: number; isBlocked: boolean; timeToBlockExpire: number }> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetsAt <= now) {
      window = { hits: 0, resetsAt: now + ttlMs };
      this.windows.set(key, window);
      if (this.windows.size >= this.sweepAtSize) this.sweep(now);
    }
    window.hits++;
    const secondsLeft = Math.max(1, Math.ceil((window.resetsAt - now) / 1000));
    const isBlocked = window.hits > limit;
    return Promise.resolve({ totalHits: window.hits, timeToExpire: secondsLeft, isBlocked, timeToBlockExpire: isBlocked ? secondsLeft : 0 });
  }

  /** Callers tracked right now (for tests and diagnostics). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetsAt <= now) this.windows.delete(key);
    this.sweepAtSize = Math.max(1024, this.windows.size * 2);
  }
}
