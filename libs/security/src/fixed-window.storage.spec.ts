import { FixedWindowStorage } from './fixed-window.storage';

describe('FixedWindowStorage', () => {
  afterEach(() => jest.useRealTimers());

  it('counts hits per key within a window, blocks past the limit and starts afresh in the next window', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const storage = new FixedWindowStorage();
    const hit = (key = 'a') => storage.increment(key, 10_000, 2);
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 10, isBlocked: false, timeToBlockExpire: 0 });
    expect((await hit()).isBlocked).toBe(false);
    jest.advanceTimersByTime(2_500);
    expect(await hit()).toEqual({ totalHits: 3, timeToExpire: 8, isBlocked: true, timeToBlockExpire: 8 });
    expect((await hit('b')).isBlocked).toBe(false);
    jest.advanceTimersByTime(7_500);
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('forgets expired windows once the map has grown, so memory stays bounded by recent callers', async () => {
    jest.useFakeTimers({ now: 0 });
    const storage = new FixedWindowStorage();
    for (let i = 0; i < 1000; i++) await storage.increment(`old-${i}`, 1_000, 10);
    jest.advanceTimersByTime(1_000);
    for (let i = 0; i < 100; i++) await storage.increment(`new-${i}`, 1_000, 10);
    expect(storage.size).toBe(100);
  });
});
