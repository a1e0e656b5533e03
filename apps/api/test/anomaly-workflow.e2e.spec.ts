import { nominalFrames, startTestApp, TestApp } from './test-app';

/** Nominal warm-up, then a frame whose voltage collapses: any real engine calls it a power fault. */
function warmupThenBrownout(instanceId: string, start = Date.UTC(2026, 10, 21)) {
  const frames = nominalFrames(instanceId, 300, start);
  const brownout = { ...frames[frames.length - 1], timestamp: start + 300_000, voltage: 4 };
  return { warmup: frames, brownout };
}

describe('anomaly workflow (HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const ingest = (frames: object[]) => t.http().post('/api/v1/telemetry/batch').send({ telemetry: frames }).expect(200);

  it('reports a tripped engine with every field of the AnomalyResponse', async () => {
    const { warmup, brownout } = warmupThenBrownout('rover-fields');
    await ingest(warmup);
    const res = await t.http().post('/api/v1/telemetry').send(brownout).expect(200);
    expect(res.body).toMatchObject({
      instance_id: 'rover-fields',
      is_anomaly: true,
      anomaly_type: 'power_fault',
      mission_phase: 'NOMINAL_OPS',
      recurrence_count: 1,
    });
    expect(res.body.anomaly_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.triggered_channels[0]).toBe('voltage');
    expect(res.body.channel_scores.voltage).toBeGreaterThan(res.body.channel_scores.temperature);
    expect(['MEDIUM', 'HIGH', 'CRITICAL']).toContain(res.body.severity_level);
    expect(res.body.reasoning).toMatch(/voltage/);

    const stored = await t.http().get(`/api/v1/anomalies/${res.body.anomaly_id}`).expect(200);
    expect(stored.body).toMatchObject({ anomaly_id: res.body.anomaly_id, anomaly_type: 'power_fault' });
    await t.http().get('/api/v1/anomalies/00000000-0000-4000-8000-000000000000').expect(404);
  });

  it('answers history queries newest first with filters', async () => {
    const { warmup, brownout } = warmupThenBrownout('rover-history');
    await ingest(warmup);
    const first = await t.http().post('/api/v1/telemetry').send(brownout).expect(200);
    const second = await t.http().post('/api/v1/telemetry').send({ ...brownout, timestamp: brownout.timestamp + 60_000, voltage: 2 }).expect(200);
    expect(first.body.is_anomaly && second.body.is_anomaly).toBe(true);

    const all = await t.http().get('/api/v1/history/anomalies?instance_id=rover-history').expect(200);
    const ids = all.body.anomalies.map((a: { anomaly_id: string }) => a.anomaly_id);
    expect(ids.indexOf(second.body.anomaly_id)).toBeLessThan(ids.indexOf(first.body.anomaly_id));
    expect(all.body.count).toBe(all.body.anomalies.length);

    const limited = await t.http().get('/api/v1/history/anomalies?instance_id=rover-history&limit=1').expect(200);
    expect(limited.body.anomalies.map((a: { anomaly_id: string }) => a.anomaly_id)).toEqual([second.body.anomaly_id]);
    const windowed = await t.http().get(`/api/v1/history/anomalies?instance_id=rover-history&end_time=${brownout.timestamp}`).expect(200);
    expect(windowed.body.anomalies.map((a: { anomaly_id: string }) => a.anomaly_id)).toContain(first.body.anomaly_id);
    expect(windowed.body.anomalies.map((a: { anomaly_id: string }) => a.anomaly_id)).not.toContain(second.body.anomaly_id);
    const thermal = await t.http().get('/api/v1/history/anomalies?instance_id=rover-history&anomaly_type=thermal_fault').expect(200);
    expect(thermal.body.anomalies.every((a: { anomaly_type: string }) => a.anomaly_type === 'thermal_fault')).toBe(true);
    const critical = await t.http().get('/api/v1/history/anomalies?instance_id=rover-history&severity_min=CRITICAL').expect(200);
    expect(critical.body.anomalies.every((a: { severity_level: string }) => a.severity_level === 'CRITICAL')).toBe(true);
  });

  it.each([
    ['limit=0', 'limit must not be less than 1'],
    ['limit=abc', 'limit must be a whole number'],
    ['severity_min=SEVERE', 'severity_min must be one of LOW, MEDIUM, HIGH, CRITICAL or a score between 0 and 1'],
    ['start_time=soon', 'start_time must be an ISO-8601 date-time or epoch milliseconds'],
    ['anomaly_type=gremlins', 'anomaly_type must be a known fault type'],
    ['page=2', 'property page should not exist'],
  ])('refuses history query %s with 422', async (query, message) => {
    const res = await t.http().get(`/api/v1/history/anomalies?${query}`).expect(422);
    expect(res.body.message).toContain(message);
  });

  describe('mission phase policy', () => {
    it('starts in NOMINAL_OPS and follows the transition rules', async () => {
      const initial = await t.http().get('/api/v1/phase?instance_id=sat-phase').expect(200);
      expect(initial.body).toMatchObject({ instance_id: 'sat-phase', phase: 'NOMINAL_OPS', allowed_transitions: ['PAYLOAD_OPS', 'SAFE_MODE'] });
      const moved = await t.http().post('/api/v1/phase').send({ instance_id: 'sat-phase', phase: 'PAYLOAD_OPS', reason: 'imaging pass' }).expect(200);
      expect(moved.body).toMatchObject({ phase: 'PAYLOAD_OPS', previous_phase: 'NOMINAL_OPS', reason: 'imaging pass' });
      const refused = await t.http().post('/api/v1/phase').send({ instance_id: 'sat-phase', phase: 'LAUNCH' }).expect(409);
      expect(refused.body.message).toBe('PAYLOAD_OPS cannot transition to LAUNCH; allowed: NOMINAL_OPS, SAFE_MODE');
      const forcedWrong = await t.http().post('/api/v1/phase').send({ instance_id: 'sat-phase', phase: 'NOMINAL_OPS', force: true }).expect(409);
      expect(forcedWrong.body.message).toBe('force is only allowed for SAFE_MODE, not NOMINAL_OPS');
      await t.http().post('/api/v1/phase').send({ instance_id: 'sat-phase', phase: 'SAFE_MODE', force: true }).expect(200);
      const listed = await t.http().get('/api/v1/phase').expect(200);
      expect(listed.body.instances).toEqual(expect.arrayContaining([expect.objectContaining({ instance_id: 'sat-phase', phase: 'SAFE_MODE' })]));
    });

    it.each([
      [{ phase: 'ORBIT' }, 'phase must be one of LAUNCH, DEPLOYMENT, NOMINAL_OPS, PAYLOAD_OPS, SAFE_MODE'],
      [{ phase: 'SAFE_MODE', force: 'yes' }, 'force must be a boolean value'],
      [{ instance_id: '../etc', phase: 'SAFE_MODE' }, 'instance_id must be 1–64 characters of A–Z a–z 0–9 . _ : -'],
    ])('refuses %j with 422', async (body, message) => {
      const res = await t.http().post('/api/v1/phase').send(body).expect(422);
      expect(res.body.message).toContain(message);
    });

    it('applies the phase to decisions: LAUNCH acts on CRITICAL only, SAFE_MODE only logs', async () => {
      const decisionIn = async (instanceId: string, phases: string[]) => {
        for (const phase of phases) await t.http().post('/api/v1/phase').send({ instance_id: instanceId, phase, force: phase === 'SAFE_MODE' }).expect(200);
        const { warmup, brownout } = warmupThenBrownout(instanceId);
        await ingest(warmup);
        return (await t.http().post('/api/v1/telemetry').send({ ...brownout, voltage: 20 }).expect(200)).body;
      };
      const safe = await decisionIn('sat-safe', ['SAFE_MODE']);
      expect(safe).toMatchObject({ mission_phase: 'SAFE_MODE', should_escalate_to_safe_mode: false, allowed_actions: ['LOG'] });
      if (safe.is_anomaly) expect(safe).toMatchObject({ is_allowed: false, escalation_level: 'LOG_ONLY', recommended_action: 'LOG' });

      const nominal = await decisionIn('sat-nominal', []);
      expect(nominal.is_anomaly).toBe(true);
      expect(nominal.is_allowed).toBe(['MEDIUM', 'HIGH', 'CRITICAL'].includes(nominal.severity_level));
    });

    it('escalates to SAFE_MODE when the same fault recurs three times', async () => {
      const { warmup, brownout } = warmupThenBrownout('rover-recurring');
      await ingest(warmup);
      const results = [];
      for (let i = 0; i < 3; i++) {
        // Back to nominal between faults so each brownout is a fresh detection of the same signature.
        const recovery = nominalFrames('rover-recurring', 30, brownout.timestamp + i * 120_000 + 1000, 100 + i);
        await ingest(recovery);
        results.push((await t.http().post('/api/v1/telemetry').send({ ...brownout, timestamp: brownout.timestamp + i * 120_000 + 60_000 }).expect(200)).body);
      }
      const anomalous = results.filter((r) => r.is_anomaly);
      expect(anomalous.length).toBe(3);
      expect(anomalous.map((r) => r.recurrence_count)).toEqual([1, 2, 3]);
      expect(anomalous[2]).toMatchObject({ should_escalate_to_safe_mode: true, recommended_action: 'ENTER_SAFE_MODE' });
      const stats = await t.http().get('/api/v1/memory/stats').expect(200);
      expect(stats.body.events).toBeGreaterThanOrEqual(3);
      expect(stats.body.hits).toBeGreaterThanOrEqual(2);
      expect(stats.body.top_recurring).toEqual(expect.arrayContaining([expect.objectContaining({ instance_id: 'rover-recurring', anomaly_type: 'power_fault' })]));
    });
  });

  describe('operator feedback', () => {
    it('labels anomalies, updates accuracy, and refuses unknown ids and bad labels', async () => {
      const { warmup, brownout } = warmupThenBrownout('rover-feedback');
      await ingest(warmup);
      const anomaly = (await t.http().post('/api/v1/telemetry').send(brownout).expect(200)).body;
      expect(anomaly.is_anomaly).toBe(true);

      const before = (await t.http().get('/api/v1/analytics/false_positives').expect(200)).body;
      const receipt = await t.http().post('/api/v1/feedback').send({ anomaly_id: anomaly.anomaly_id, label: 'false_positive', notes: 'planned load test' }).expect(200);
      expect(receipt.body).toMatchObject({ anomaly_id: anomaly.anomaly_id, label: 'false_positive', previous_label: null });
      expect(receipt.body.threshold_multiplier).toBeGreaterThan(1);
      const after = (await t.http().get('/api/v1/analytics/false_positives').expect(200)).body;
      expect(after.false_positives).toBe(before.false_positives + 1);
      expect(after.by_type.power_fault.false_positive).toBeGreaterThanOrEqual(1);

      const relabel = await t.http().post('/api/v1/feedback').send({ anomaly_id: anomaly.anomaly_id, label: 'true_positive' }).expect(200);
      expect(relabel.body.previous_label).toBe('false_positive');
      expect(relabel.body.detection_accuracy).toBeGreaterThan(0);
      const stored = await t.http().get(`/api/v1/anomalies/${anomaly.anomaly_id}`).expect(200);
      expect(stored.body.feedback).toMatchObject({ label: 'true_positive' });

      await t.http().post('/api/v1/feedback').send({ anomaly_id: '00000000-0000-4000-8000-000000000000', label: 'true_positive' }).expect(404);
      const bad = await t.http().post('/api/v1/feedback').send({ anomaly_id: anomaly.anomaly_id, label: 'maybe' }).expect(422);
      expect(bad.body.message).toEqual(['label must be true_positive or false_positive']);
    });
  });
});
