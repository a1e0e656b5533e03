import { ChannelDetector } from './channel-detector';
import { DEFAULT_ALERT_THRESHOLD, DEFAULT_CHANNEL_OPTIONS } from './options';
import { gaussian } from '../../../../test/seeded-random';

describe('ChannelDetector', () => {
  it('alerts once per event: a repeat inside the refractory period is damped, a later one is not', () => {
    const noise = gaussian(11);
    const detector = new ChannelDetector(DEFAULT_CHANNEL_OPTIONS);
    const scoreAt: Record<number, { score: number; damped: boolean }> = {};
    for (let i = 0; i < 2200; i++) {
      const spike = i === 2000 || i === 2010 || i === 2100;
      // The later spike is larger: a repeat of 60 would sit inside the envelope the first one widened.
      const { score, damped } = detector.update(spike ? (i === 2100 ? 70 : 60) : 50 + noise(), i * 1000);
      if (spike) scoreAt[i] = { score, damped };
    }
    expect(scoreAt[2000]).toEqual({ score: expect.any(Number), damped: false });
    expect(scoreAt[2000].score).toBeGreaterThanOrEqual(DEFAULT_ALERT_THRESHOLD);
    expect(scoreAt[2010].damped).toBe(true);
    expect(scoreAt[2010].score).toBeLessThan(DEFAULT_ALERT_THRESHOLD);
    expect(scoreAt[2100].damped).toBe(false);
    expect(scoreAt[2100].score).toBeGreaterThanOrEqual(DEFAULT_ALERT_THRESHOLD);
  });

  it('rarely alarms on long stationary noise once warmed up', () => {
    const noise = gaussian(12);
    const detector = new ChannelDetector(DEFAULT_CHANNEL_OPTIONS);
    let alarms = 0;
    for (let i = 0; i < 30_000; i++) {
      const { score } = detector.update(100 + 5 * noise(), i * 1000);
      if (i >= 1000 && score >= DEFAULT_ALERT_THRESHOLD) alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(3); // at most 0.1 per 1000 readings
  });

  it('keeps every score in [0,1] on a wild stream', () => {
    const noise = gaussian(13);
    const detector = new ChannelDetector(DEFAULT_CHANNEL_OPTIONS);
    let level = 0;
    for (let i = 0; i < 5000; i++) {
      level += noise() * (i % 700 === 0 ? 1e6 : 1);
      const r = detector.update(i % 97 === 0 ? -level : level, i * 1000);
      for (const value of [r.score, r.rawScore, r.spike, r.levelShift, r.rateOfChange, r.novelty, r.stuck, r.breach]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
  });

  it('does not call a constant channel stuck', () => {
    const detector = new ChannelDetector(DEFAULT_CHANNEL_OPTIONS);
    let last = detector.update(5, 0);
    for (let i = 1; i < 2000; i++) last = detector.update(5, i * 1000);
    expect(last.unchangedFor).toBe(1999);
    expect(last.stuck).toBe(0);
    expect(last.score).toBe(0);
  });
});
