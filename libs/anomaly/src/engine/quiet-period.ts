/**
 * One event, one alert: after an alarm, a check's further alarms are damped for `frames` frames, and
 * an alarm during that period restarts it (as a channel's refractory period), so a condition that
 * persists alerts when it starts, not on every frame.
 */
export class QuietPeriod {
  private since: number;

  constructor(private readonly frames: number) {
    this.since = frames;
  }

  /** True while an earlier alarm keeps the check quiet. */
  get quiet(): boolean {
    return this.since < this.frames;
  }

  /** Records whether the check alarmed on this frame. */
  record(alarmed: boolean): void {
    this.since = alarmed ? 0 : Math.min(this.since + 1, this.frames);
  }

  get state(): number {
    return this.since;
  }

  set state(since: number) {
    if (typeof since !== 'number') throw new Error('quiet period state is not numeric');
    this.since = since;
  }
}
