import { MemoryStore } from './memory-store';
import { CONTRACT_LIMITS, describeStoreContract } from './store.contract';

describeStoreContract('memory', async () => new MemoryStore(CONTRACT_LIMITS), async () => undefined);

describe('MemoryStore bounds', () => {
  const frame = (instance: string, n: number) => ({
    frame_id: `${instance}-${n}`,
    instance_id: instance,
    timestamp: new Date(n * 1000).toISOString(),
    received_at: new Date(n * 1000).toISOString(),
    channels: { voltage: n },
  });

  it('keeps at most frameRetentionPerInstance frames per instance', async () => {
    const store = new MemoryStore(CONTRACT_LIMITS);
    await store.writeIngest({ frames: [1, 2, 3, 4, 5].map((n) => frame('r', n)), anomalies: [] });
    expect((await store.recentFrames('r', 10)).map((f) => f.frame_id)).toEqual(['r-5', 'r-4', 'r-3']);
  });

  it('forgets the least recently written instance past maxInstances', async () => {
    const store = new MemoryStore({ ...CONTRACT_LIMITS, maxInstances: 2 });
    await store.writeIngest({ frames: [frame('a', 1), frame('b', 2)], anomalies: [] });
    await store.writeIngest({ frames: [frame('a', 3), frame('c', 4)], anomalies: [] });
    expect(await store.latestFrame('b')).toBeUndefined();
    expect((await store.latestFrame('a'))?.frame_id).toBe('a-3');
    expect((await store.latestFrame('c'))?.frame_id).toBe('c-4');
  });

  it('drops anomalies older than the retention age, counted from arrival', async () => {
    let now = Date.UTC(2026, 0, 1);
    const store = new MemoryStore({ ...CONTRACT_LIMITS, anomalyRetentionSeconds: 60 }, () => now);
    const replayed = { anomaly_id: 'x', instance_id: 'r', timestamp: '2001-01-01T00:00:00.000Z', anomaly_type: 'power_fault', severity_score: 0.5, severity_level: 'MEDIUM' as const };
    await store.writeIngest({ frames: [], anomalies: [replayed] });
    expect(await store.getAnomaly('x')).toEqual(replayed);
    now += 61_000;
    expect(await store.getAnomaly('x')).toBeUndefined();
  });
});
