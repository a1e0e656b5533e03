import { AnomalyMemory, RememberedAnomaly } from './anomaly-memory';

const policy = {
  recurrence_horizon_seconds: 3600,
  retention_seconds: { LOW: 3600, MEDIUM: 7200, HIGH: 86400, CRITICAL: 604800 },
  max_events: 5,
};
const HOUR = 3600_000;
const at = (hours: number) => Date.UTC(2026, 0, 1) + hours * HOUR;
const anomaly = (overrides: Partial<RememberedAnomaly> = {}): RememberedAnomaly => ({
  instanceId: 'rover-1',
  anomalyType: 'power_fault',
  channels: ['voltage'],
  severity: 'MEDIUM',
  at: at(0),
  ...overrides,
});

describe('AnomalyMemory', () => {
  it('counts recurrences of the same signature within the horizon', () => {
    const memory = new AnomalyMemory(policy);
    expect(memory.remember(anomaly({ at: at(0) }))).toBe(1);
    expect(memory.remember(anomaly({ at: at(0.25) }))).toBe(2);
    expect(memory.remember(anomaly({ at: at(0.5), channels: ['voltage'] }))).toBe(3);
    // Outside the one-hour horizon of the first two.
    expect(memory.remember(anomaly({ at: at(1.4) }))).toBe(2);
    expect(memory.stats()).toMatchObject({ hits: 3, misses: 1 });
  });

  it('keeps signatures apart by vehicle, type and channel set (channel order ignored)', () => {
    const memory = new AnomalyMemory({ ...policy, max_events: 100 });
    memory.remember(anomaly({ channels: ['current', 'voltage'] }));
    expect(memory.remember(anomaly({ channels: ['voltage', 'current'] }))).toBe(2);
    expect(memory.remember(anomaly({ instanceId: 'rover-2' }))).toBe(1);
    expect(memory.remember(anomaly({ anomalyType: 'thermal_fault' }))).toBe(1);
    expect(memory.remember(anomaly({ channels: ['current'] }))).toBe(1);
    expect(memory.stats().signatures).toBe(4);
  });

  it('forgets events by severity: low ones go first, critical ones are kept longest', () => {
    const memory = new AnomalyMemory({ ...policy, recurrence_horizon_seconds: 30 * 24 * 3600, max_events: 100 });
    memory.remember(anomaly({ severity: 'LOW', at: at(0) }));
    memory.remember(anomaly({ severity: 'CRITICAL', at: at(0) }));
    // 3 hours later the LOW event (kept 1 h) has faded, the CRITICAL one (kept 7 d) has not.
    expect(memory.remember(anomaly({ severity: 'LOW', at: at(3) }))).toBe(2);
    expect(memory.stats().by_severity).toMatchObject({ LOW: 1, CRITICAL: 1 });
  });

  it('stays within max_events, evicting the least severe oldest event', () => {
    const memory = new AnomalyMemory(policy);
    memory.remember(anomaly({ severity: 'CRITICAL', at: at(0), anomalyType: 'thermal_fault' }));
    for (let i = 1; i <= 6; i++) memory.remember(anomaly({ severity: 'LOW', at: at(i * 0.01) }));
    const stats = memory.stats();
    expect(stats.events).toBe(5);
    expect(stats.by_severity.CRITICAL).toBe(1);
    expect(stats.by_severity.LOW).toBe(4);
    expect(stats.approx_size_bytes).toBeGreaterThan(0);
  });
});
