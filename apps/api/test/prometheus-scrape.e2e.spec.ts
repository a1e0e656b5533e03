import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { startPrometheus, PrometheusServer } from '../../../test/prometheus';
import { freePort } from '../../../test/redis-server';
import { TempDir, tempDir } from '../../../test/temp-dir';
import { startTestApp, TestApp } from './test-app';

/**
 * A real Prometheus (Debian package) scrapes a running service through the project's own scrape
 * config — targets rewritten to loopback, intervals shortened — and evaluates the project's rules.
 */
const root = resolve(__dirname, '../../..');
const METRICS_TOKEN = 'scrape-test-token';

interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  static_configs: Array<{ targets: string[] }>;
  authorization?: { type: string; credentials_file: string };
}

/** Prometheus hands new targets to its scrapers every 5 s, so the first samples take a while. */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('Prometheus scraping the service with the project config', () => {
  let service: TestApp;
  let prometheus: PrometheusServer;
  let metricsUrl: string;
  let work: TempDir | undefined;

  beforeAll(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    service = await startTestApp({ METRICS_TOKEN, METRICS_PORT: String(port), HOST: '127.0.0.1' });

    work = await tempDir('scrape');
    writeFileSync(join(work.path, 'metrics_token'), METRICS_TOKEN);
    const config = parse(readFileSync(join(root, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      global: Record<string, unknown>;
      scrape_configs: ScrapeConfig[];
      rule_files: string[];
      alerting?: unknown;
    };
    const api = config.scrape_configs.find((job) => job.job_name === 'astraguard-api')!;
    expect(api.static_configs[0].targets).toEqual(['api:9464']);
    api.static_configs = [{ targets: [`127.0.0.1:${port}`] }];
    api.authorization!.credentials_file = join(work.path, 'metrics_token');
    config.scrape_configs = [api];
    config.global = { ...config.global, scrape_interval: '1s', evaluation_interval: '1s' };
    config.rule_files = [join(root, 'deploy/prometheus/rules/*.yml')];
    delete config.alerting;
    writeFileSync(join(work.path, 'prometheus.yml'), stringify(config));
    await service.http().post('/api/v1/telemetry').send({ instance_id: 'scraped', voltage: 28 }).expect(200);
    prometheus = await startPrometheus(join(work.path, 'prometheus.yml'));
  });

  afterAll(async () => {
    await prometheus?.stop();
    await service?.close();
    await work?.remove();
  });

  it('scrapes exact request counts and evaluates the SLO recording rules on them', async () => {
    // rate() needs the counters to move between scrapes: one request before the first scrape (in
    // beforeAll) creates the series, the rest arrive once Prometheus is scraping.
    await eventually(async () => ((await prometheus.query('up{job="astraguard-api"} == 1')).length ? true : undefined), 'the first scrape');
    for (let i = 1; i < 7; i++) {
      await service.http().post('/api/v1/telemetry').send({ instance_id: 'scraped', voltage: 28 + i * 0.01 }).expect(200);
    }
    await service.http().post('/api/v1/telemetry').send({ instance_id: 'scraped', voltage: 'high' }).expect(422);

    const ok = await eventually(async () => {
      const [sample] = await prometheus.query('sum(astra_http_requests_total{route="/api/v1/telemetry",method="POST",status="200"})');
      return sample && Number(sample.value[1]) === 7 ? sample : undefined;
    }, 'the scraped 200 count to reach 7');
    expect(Number(ok.value[1])).toBe(7);
    const [rejected] = await prometheus.query('sum(astra_http_requests_total{route="/api/v1/telemetry",status="422"})');
    expect(Number(rejected.value[1])).toBe(1);

    // No 5xx: the availability SLI's error ratio is exactly 0 once the rule has two samples to rate.
    const sli = await eventually(async () => {
      const [sample] = await prometheus.query('slo:sli_error:ratio_rate5m{slo="telemetry-availability"}');
      return sample && sample.value[1] !== 'NaN' ? sample : undefined;
    }, 'the availability recording rule');
    expect(sli.metric).toMatchObject({ slo: 'telemetry-availability', service: 'astraguard' });
    expect(Number(sli.value[1])).toBe(0);
    const [budget] = await prometheus.query('slo:error_budget_remaining:ratio{slo="telemetry-availability"}');
    expect(Number(budget.value[1])).toBe(1);
  }, 150_000);

  it('is refused by the metrics port without the scrape token, and absent from the API port', async () => {
    expect((await fetch(metricsUrl)).status).toBe(401);
    expect((await fetch(metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    await service.http().get('/metrics').expect(404);
  });
});
