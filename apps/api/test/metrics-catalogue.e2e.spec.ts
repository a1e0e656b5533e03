import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { loadConfig } from '@astra/config';
import { startRedisServer } from '../../../test/redis-server';
import { createApp } from '../src/bootstrap';
import { makeTestKeys, nominalFrames } from './test-app';

interface CatalogueRow {
  section: string;
  name: string;
  type: string;
  labels: string[];
}

/** Every metric row of docs/metrics.md, whoever wrote its section. */
function readCatalogue(): CatalogueRow[] {
  const text = readFileSync(path.resolve(__dirname, '../../../docs/metrics.md'), 'utf8');
  const rows: CatalogueRow[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) section = heading[1].trim();
    const row = /^\| `([a-z_:][a-z0-9_:]*)` \| (\w+) \| ([^|]*) \|/.exec(line);
    if (!row) continue;
    const labels = row[3].trim() === '—' ? [] : row[3].split(',').map((label) => label.trim());
    rows.push({ section, name: row[1], type: row[2], labels });
  }
  return rows;
}

/** Sections this suite drives traffic for; the others' owners prove their triggers in their own suites. */
const TRIGGERED_HERE = new Set(['HTTP', 'Anomaly', 'Memory engine', 'Errors', 'Observability', 'Node runtime']);

interface Sample {
  labels: string[];
  value: number;
}

/**
 * The samples of a metric family with their label names (`le` left out); a histogram by its _count
 * lines, so a value above 0 means observations were made.
 */
function samplesOf(exposition: string, row: CatalogueRow): Sample[] {
  const name = row.type === 'histogram' ? `${row.name}_count` : row.name;
  const samples: Sample[] = [];
  for (const line of exposition.split('\n')) {
    const match = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map(([, label]) => label).filter((label) => label !== 'le');
    samples.push({ labels: labels.sort(), value: Number(match[3]) });
  }
  return samples;
}

describe('docs/metrics.md against a live /metrics', () => {
  const catalogue = readCatalogue();
  const { keys, env } = makeTestKeys();
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let app: NestExpressApplication;
  let exposition: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    app = await createApp(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', REDIS_URL: redis.url, ...env }, '0.0.0-test'));
    await app.init();
    const http = () => request(app.getHttpServer());
    const operator = keys.operator;

    // Ingestion: accepted frames, learnt behaviour, then two alike faults (an anomaly, then a recurrence).
    const frames = nominalFrames('catalogue-rover', 300);
    await http().post('/api/v1/telemetry/batch').set('X-API-Key', operator).send({ telemetry: frames }).expect(200);
    const spike = (seconds: number) => ({ ...frames[0], timestamp: frames[0].timestamp + seconds * 1000, voltage: 45 });
    const first = await http().post('/api/v1/telemetry').set('X-API-Key', operator).send(spike(300)).expect(200);
    const second = await http().post('/api/v1/telemetry').set('X-API-Key', operator).send(spike(301)).expect(200);
    expect([first.body.is_anomaly, second.body.is_anomaly, second.body.recurrence_count]).toEqual([true, true, 2]);
    // Operator feedback (accuracy 0.5, one false positive) and a phase change.
    await http().post('/api/v1/feedback').set('X-API-Key', operator).send({ anomaly_id: first.body.anomaly_id, label: 'false_positive' }).expect(200);
    await http().post('/api/v1/feedback').set('X-API-Key', operator).send({ anomaly_id: second.body.anomaly_id, label: 'true_positive' }).expect(200);
    await http().post('/api/v1/phase').set('X-API-Key', operator).send({ instance_id: 'catalogue-rover', phase: 'SAFE_MODE', force: true }).expect(200);
    // Rejections: a validation failure and a guard rejection.
    await http().post('/api/v1/telemetry').set('X-API-Key', operator).send({ ...frames[0], voltage: 'high' }).expect(422);
    await http().get('/api/v1/history/anomalies').expect(401);
    // An outage and its resolution: the store goes away (503), comes back (200).
    await redis.kill();
    await http().get('/api/v1/history/anomalies').set('X-API-Key', operator).expect(503);
    await redis.restart();
    await waitForOk(() => http().get('/api/v1/history/anomalies').set('X-API-Key', operator));

    exposition = (await http().get('/metrics').expect(200)).text;
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await redis.stop();
  });

  it('has rows in every section this suite owns', () => {
    for (const section of TRIGGERED_HERE) expect(catalogue.some((row) => row.section === section)).toBe(true);
    expect(new Set(catalogue.map((row) => row.name)).size).toBe(catalogue.length);
  });

  it.each(catalogue.map((row) => [row.name, row] as const))('%s is exposed with its documented type and labels', (_name, row) => {
    expect(exposition).toContain(`# TYPE ${row.name} ${row.type}`);
    const samples = samplesOf(exposition, row);
    // The traffic above moved every metric of the sections it drives (a counter at 0 or an empty histogram would not pass).
    if (TRIGGERED_HERE.has(row.section)) expect(samples.some((sample) => sample.value > 0)).toBe(true);
    for (const sample of samples) expect(sample.labels).toEqual([...row.labels].sort());
  });
});

/** Retries a request until it answers 200 (Redis reconnecting), bounded in attempts. */
async function waitForOk(call: () => request.Test): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await call()).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the store did not come back');
}
