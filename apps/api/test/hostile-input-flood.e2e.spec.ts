import { register } from 'prom-client';
import { makeTestKeys, startTestApp, TestApp } from './test-app';

/**
 * A bounded flood of malformed and unauthorised requests (and the 429s it provokes) is the
 * callers' fault: it must not open a circuit breaker, must not count as a service error in the
 * availability SLO (astra_http_requests_total with a 5xx status), and must leave the service ready.
 */
const FLOOD = 600;
const CONCURRENCY = 25;
/** Low enough that the operator key's share of the flood runs into it. */
const RATE_LIMIT_MAX = 200;

type Series = { value: number; labels: Record<string, string | number> };

async function series(name: string): Promise<Series[]> {
  const metric = register.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  return (await metric.get()).values as Series[];
}

const sumWhere = (values: Series[], match: (labels: Series['labels']) => boolean) => values.filter((v) => match(v.labels)).reduce((sum, v) => sum + v.value, 0);
const statusClass = (digit: string) => (labels: Series['labels']) => String(labels.status).startsWith(digit);

describe('a flood of malformed requests', () => {
  const { keys, env } = makeTestKeys();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      ...env,
      REDIS_URL: process.env.ASTRA_TEST_REDIS_URL!,
      REDIS_KEY_PREFIX: `flood-${process.pid}:`,
      RATE_LIMIT_MAX: String(RATE_LIMIT_MAX),
      RATE_LIMIT_WINDOW_MS: '600000',
    });
  });
  afterAll(() => t.close());

  const json = (path: string, body: string, key = keys.operator) => t.http().post(path).set('X-API-Key', key).set('Content-Type', 'application/json').send(body);
  /** Every kind of caller mistake, each answered 4xx by a different layer. */
  const MALFORMED = [
    () => json('/api/v1/telemetry', '{"voltage":'),
    () => json('/api/v1/telemetry', '{"voltage":"28"}'),
    () => json('/api/v1/telemetry', '{"voltage":1e999}'),
    () => json('/api/v1/telemetry', '{"instance_id":"../../x","voltage":1}'),
    () => json('/api/v1/telemetry', '{"__proto__":{"x":1},"voltage":1}'),
    () => json('/api/v1/telemetry', '['.repeat(100) + ']'.repeat(100)),
    () => json('/api/v1/telemetry/batch', '{"telemetry":[{"voltage":-5},{"gyro":"NaN"}]}'),
    () => json('/api/v1/telemetry/batch', '{"telemetry":[]}'),
    () => json('/api/v1/phase', '{"instance_id":"flood","phase":"LAUNCH"}'),
    () => json('/api/v1/phase', '{"phase":"WARP"}'),
    () => json('/api/v1/feedback', '{"anomaly_id":"00000000-0000-4000-8000-000000000000","label":"false_positive"}'),
    () => json('/api/v1/feedback', '{"anomaly_id":"nope","label":"maybe"}'),
    () => json('/api/v1/telemetry', '{"voltage":1}', keys.viewer),
    () => json('/api/v1/telemetry', '{"voltage":1}', `ag_00000000_${'A'.repeat(43)}`),
    () => t.http().post('/api/v1/telemetry').set('X-API-Key', keys.operator).set('Content-Type', 'text/plain').send('voltage=1'),
    () => t.http().get('/api/v1/history/anomalies?limit=0&instance_id=%00').set('X-API-Key', keys.viewer),
    () => t.http().get('/api/v1/anomalies/not-an-id').set('X-API-Key', keys.viewer),
    () => t.http().get('/api/v1/no-such-route').set('X-API-Key', keys.viewer),
    () => t.http().get('/api/v1/status'),
  ];

  it('gets only 4xx answers, opens no breaker, costs no availability and leaves the service ready', async () => {
    const httpBefore = await series('astra_http_requests_total');
    const transitionsBefore = sumWhere(await series('astra_circuit_breaker_transitions_total'), () => true);
    const rateLimitedBefore = sumWhere(await series('astra_rate_limited_total'), () => true);

    const statuses: number[] = [];
    for (let sent = 0; sent < FLOOD; sent += CONCURRENCY) {
      const wave = Array.from({ length: Math.min(CONCURRENCY, FLOOD - sent) }, (_, i) => MALFORMED[(sent + i) % MALFORMED.length]());
      statuses.push(...(await Promise.all(wave)).map((res) => res.status));
    }

    expect(statuses).toHaveLength(FLOOD);
    expect(statuses.filter((status) => status < 400 || status >= 500)).toEqual([]);
    const tooMany = statuses.filter((status) => status === 429).length;
    expect(tooMany).toBeGreaterThan(0);
    expect(sumWhere(await series('astra_rate_limited_total'), () => true) - rateLimitedBefore).toBe(tooMany);

    const httpAfter = await series('astra_http_requests_total');
    // Every request of the flood was counted, as a 4xx; none as a 5xx.
    expect(sumWhere(httpAfter, statusClass('4')) - sumWhere(httpBefore, statusClass('4'))).toBe(FLOOD);
    expect(sumWhere(httpAfter, statusClass('5')) - sumWhere(httpBefore, statusClass('5'))).toBe(0);

    const breakers = await series('astra_circuit_breaker_state');
    expect(breakers.length).toBeGreaterThan(0);
    expect(breakers.filter((breaker) => breaker.value !== 0)).toEqual([]);
    expect(sumWhere(await series('astra_circuit_breaker_transitions_total'), () => true)).toBe(transitionsBefore);

    await t.http().get('/health/ready').expect(200);
    await t.http().post('/api/v1/telemetry').set('X-API-Key', keys.admin).send({ instance_id: 'flood', voltage: 28 }).expect(200);
  });
});
