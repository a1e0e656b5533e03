import { randomUUID } from 'node:crypto';
import { Store, StoredAnomaly, StoredFrame } from './store';

/** Behaviour every Store must have; run against each implementation by its spec. */
export function describeStoreContract(name: string, open: () => Promise<Store>, close: (store: Store) => Promise<void>): void {
  describe(`${name} store contract`, () => {
    let store: Store;
    beforeEach(async () => (store = await open()));
    afterEach(async () => close(store));

    const frame = (instance: string, at: string, voltage: number): StoredFrame => ({
      frame_id: randomUUID(),
      instance_id: instance,
      timestamp: at,
      received_at: at,
      channels: { voltage },
    });
    const anomaly = (instance: string, at: string, level: StoredAnomaly['severity_level'], score: number, type = 'power_fault'): StoredAnomaly => ({
      anomaly_id: randomUUID(),
      instance_id: instance,
      timestamp: at,
      anomaly_type: type,
      severity_score: score,
      severity_level: level,
      reasoning: 'test',
    });

    it('keeps the latest frame per instance and the recent history newest first', async () => {
      const a1 = frame('rover-1', '2026-01-01T00:00:00.000Z', 28);
      const a2 = frame('rover-1', '2026-01-01T00:00:01.000Z', 29);
      const b1 = frame('rover-2', '2026-01-01T00:00:00.500Z', 30);
      await store.writeIngest({ frames: [a1, b1, a2], anomalies: [] });
      expect(await store.latestFrame('rover-1')).toEqual(a2);
      expect(await store.latestFrame('rover-2')).toEqual(b1);
      expect(await store.latestFrame('rover-3')).toBeUndefined();
      expect(await store.recentFrames('rover-1', 10)).toEqual([a2, a1]);
      expect(await store.recentFrames('rover-1', 1)).toEqual([a2]);
    });

    it('stores anomalies and answers history queries newest first with every filter', async () => {
      const old = anomaly('rover-1', '2026-01-01T00:00:00.000Z', 'LOW', 0.2);
      const mid = anomaly('rover-2', '2026-01-01T01:00:00.000Z', 'HIGH', 0.7, 'thermal_fault');
      const recent = anomaly('rover-1', '2026-01-01T02:00:00.000Z', 'CRITICAL', 0.95);
      await store.writeIngest({ frames: [], anomalies: [old, recent, mid] });

      expect(await store.getAnomaly(mid.anomaly_id)).toEqual(mid);
      expect(await store.getAnomaly(randomUUID())).toBeUndefined();
      const ids = (found: StoredAnomaly[]) => found.map((a) => a.anomaly_id);
      expect(ids(await store.queryAnomalies({ limit: 10 }))).toEqual([recent, mid, old].map((a) => a.anomaly_id));
      expect(ids(await store.queryAnomalies({ limit: 2 }))).toEqual([recent.anomaly_id, mid.anomaly_id]);
      expect(ids(await store.queryAnomalies({ instanceId: 'rover-1', limit: 10 }))).toEqual([recent.anomaly_id, old.anomaly_id]);
      expect(ids(await store.queryAnomalies({ severityMin: 'HIGH', limit: 10 }))).toEqual([recent.anomaly_id, mid.anomaly_id]);
      expect(ids(await store.queryAnomalies({ severityMin: 0.9, limit: 10 }))).toEqual([recent.anomaly_id]);
      expect(ids(await store.queryAnomalies({ anomalyType: 'thermal_fault', limit: 10 }))).toEqual([mid.anomaly_id]);
      const window = { startTime: Date.parse(mid.timestamp), endTime: Date.parse(recent.timestamp) - 1, limit: 10 };
      expect(ids(await store.queryAnomalies(window))).toEqual([mid.anomaly_id]);
    });

    it('updates a known anomaly and refuses an unknown one', async () => {
      const a = anomaly('rover-1', '2026-01-01T00:00:00.000Z', 'MEDIUM', 0.5);
      await store.writeIngest({ frames: [], anomalies: [a] });
      expect(await store.updateAnomaly({ ...a, feedback: 'false_positive' })).toBe(true);
      expect((await store.getAnomaly(a.anomaly_id))?.feedback).toBe('false_positive');
      expect(await store.updateAnomaly(anomaly('rover-1', '2026-01-01T00:00:00.000Z', 'LOW', 0.1))).toBe(false);
    });

    it('keeps only the newest anomalies past the retention count', async () => {
      const many = Array.from({ length: 8 }, (_, i) => anomaly('rover-9', new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), 'LOW', 0.1));
      await store.writeIngest({ frames: [], anomalies: many });
      const kept = await store.queryAnomalies({ instanceId: 'rover-9', limit: 100 });
      expect(kept.map((a) => a.anomaly_id)).toEqual(many.slice(-5).reverse().map((a) => a.anomaly_id));
      expect(await store.getAnomaly(many[0].anomaly_id)).toBeUndefined();
    });

    it('keeps phases and detector state per instance', async () => {
      await store.setPhase({ instance_id: 'sat-1', phase: 'LAUNCH', since: '2026-01-01T00:00:00.000Z' });
      await store.setPhase({ instance_id: 'sat-1', phase: 'DEPLOYMENT', since: '2026-01-02T00:00:00.000Z', previous_phase: 'LAUNCH' });
      await store.setPhase({ instance_id: 'sat-2', phase: 'SAFE_MODE', since: '2026-01-03T00:00:00.000Z' });
      expect(await store.getPhase('sat-1')).toMatchObject({ phase: 'DEPLOYMENT', previous_phase: 'LAUNCH' });
      expect(await store.getPhase('sat-3')).toBeUndefined();
      expect((await store.listPhases()).map((p) => p.instance_id).sort()).toEqual(['sat-1', 'sat-2']);

      expect(await store.loadDetectorState('sat-1')).toBeUndefined();
      await store.saveDetectorState('sat-1', { version: 1, channels: { voltage: [1, 2, 3] } });
      expect(await store.loadDetectorState('sat-1')).toEqual({ version: 1, channels: { voltage: [1, 2, 3] } });
    });

    it('answers ping while healthy', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

/** Retention small enough for the contract to exercise it. */
export const CONTRACT_LIMITS = {
  anomalyRetentionCount: 5,
  anomalyRetentionSeconds: 3600,
  frameRetentionPerInstance: 3,
  maxInstances: 100,
};
