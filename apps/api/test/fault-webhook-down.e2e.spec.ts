import { eventually, metricValue, startWebhookReceiver } from './fault-harness';
import { makeTestKeys, nominalFrames, startTestApp } from './test-app';

/**
 * Fault test 3: the alert webhook answers 500, then recovers. Sends are retried a bounded number of
 * times, the webhook breaker opens, ingestion goes on, and every parked alert is delivered exactly once.
 */
describe('alert webhook down', () => {
  it('retries boundedly, opens the breaker, keeps ingesting, and delivers each parked alert once after recovery', async () => {
    const receiver = await startWebhookReceiver(500);
    const { keys, env } = makeTestKeys();
    const app = await startTestApp({
      ...env,
      ALERT_WEBHOOK_URL: receiver.url,
      ALERT_MIN_SEVERITY: 'LOW',
      ALERT_TIMEOUT_MS: '1000',
      ALERT_RETRY_ATTEMPTS: '3',
      ALERT_RETRY_BASE_DELAY_MS: '10',
      ALERT_RETRY_MAX_DELAY_MS: '50',
      ALERT_BREAKER_WINDOW: '6',
      ALERT_BREAKER_MIN_CALLS: '3',
      ALERT_BREAKER_HALF_OPEN_AFTER_MS: '300',
      RECOVERY_INTERVAL_MS: '100',
      RECOVERY_COOLDOWN_MS: '100',
    });
    const get = (path: string) => app.http().get(path).set('X-API-Key', keys.viewer).expect(200);
    const webhookState = async () => (await get('/api/v1/reliability/breakers')).body.find((b: { name: string }) => b.name === 'webhook').state as string;
    const resendFailures = async () => ((await get('/api/v1/recovery/history')).body as { action: string; status: string }[]).filter((h) => h.action === 'alert_resend' && h.status === 'failure').length;

    try {
      const frames = nominalFrames('rover-alerts', 600);
      await app.http().post('/api/v1/telemetry/batch').set('X-API-Key', keys.operator).send({ telemetry: frames }).expect(200);
      const anomalyIds: string[] = [];
      for (let i = 1; i <= 6; i++) {
        const brownout = { ...frames[599], timestamp: frames[599].timestamp + i * 60_000, voltage: 2 + i };
        const res = await app.http().post('/api/v1/telemetry').set('X-API-Key', keys.operator).timeout(5000).send(brownout);
        expect(res.status).toBe(200);
        if (res.body.is_anomaly) anomalyIds.push(res.body.anomaly_id);
      }
      expect(anomalyIds.length).toBeGreaterThanOrEqual(3);

      await eventually(async () => (await webhookState()) === 'open', 'the webhook breaker to open');
      await eventually(async () => (await resendFailures()) >= 2, 'two failed half-open probes');
      const status = (await get('/api/v1/status')).body;
      expect(status.fallback_mode).toBe('degraded');
      expect(status.components.reliability.parked_alerts).toBe(anomalyIds.length);

      receiver.status = 200;
      await eventually(async () => receiver.received.filter((r) => r.status === 200).length >= anomalyIds.length && (await webhookState()) === 'closed', 'parked alerts delivered');
      await eventually(async () => (await get('/api/v1/status')).body.fallback_mode === 'primary', 'primary mode');

      // Delivered once each, keyed by the anomaly id, in the order they were detected.
      const delivered = receiver.received.filter((r) => r.status === 200);
      expect(delivered.map((r) => r.anomalyId)).toEqual(anomalyIds);
      expect(delivered.every((r) => r.idempotencyKey === r.anomalyId)).toBe(true);
      // Bounded: the first alert tried ALERT_RETRY_ATTEMPTS times before the breaker opened; after
      // that only the orchestrator's probes (one send each) reached the receiver.
      const failedHits = receiver.received.filter((r) => r.status === 500);
      expect(failedHits.slice(0, 3).every((r) => r.anomalyId === anomalyIds[0])).toBe(true);
      expect(failedHits.length).toBe(3 + (await resendFailures()));
      expect(await metricValue('astra_alerts_sent_total', { outcome: 'delivered' })).toBe(anomalyIds.length);
      expect(await metricValue('astra_alerts_sent_total', { outcome: 'parked' })).toBe(anomalyIds.length);
    } finally {
      await app.close();
      await receiver.close();
    }
  }, 60_000);
});
