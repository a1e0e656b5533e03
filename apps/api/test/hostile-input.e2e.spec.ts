import fc from 'fast-check';
import { makeTestKeys, nominalFrames, startTestApp, TestApp } from './test-app';

/**
 * Property-based hostile input against the write endpoints (telemetry, batch, phase, feedback, chaos): whatever the body, the answer is never
 * a 5xx, a refusal is a JSON error, a refused request changes no state, and the process lives on.
 * Runs are bounded and seeded; a failure prints the seed and path to replay it (FC_SEED=<seed>).
 */
const SEED = Number(process.env.FC_SEED ?? 20261121);
const RUNS = 50;

// ---- JSON as text, so bodies can hold what JSON.stringify cannot write ----------------------------

/** An object as its list of members: keys may repeat and may be `__proto__`. */
class Members {
  constructor(readonly members: [string, Json][]) {}
}
/** A number literal JSON.stringify cannot produce (overflow, negative zero, beyond double precision). */
class RawNumber {
  constructor(readonly text: string) {}
}
type Json = null | boolean | number | string | RawNumber | Members | Json[];

function toText(value: Json): string {
  if (value instanceof RawNumber) return value.text;
  if (value instanceof Members) return `{${value.members.map(([key, member]) => `${JSON.stringify(key)}:${toText(member)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(toText).join(',')}]`;
  return JSON.stringify(value);
}

const members = (record: Record<string, Json>) => new Members(Object.entries(record));

// ---- adversarial values --------------------------------------------------------------------------

const rawNumber = fc.constantFrom('1e999', '-1e999', '-0', '1e-400', '123456789012345678901234567890', '9007199254740993').map((text) => new RawNumber(text));
const edgeNumber = fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 5e-324, 0, -1, 2 ** 53 + 2, 253402300800000);
const trickyString = fc.constantFrom(
  'NaN', 'Infinity', '-Infinity', '1e999', '0x1F', '28.4', '', ' ', 'null', 'true', '[]', '{}',
  '__proto__', 'constructor', '\u0000', '\ud800', '💥🚀', 'é'.repeat(65), 'a'.repeat(65),
  '${jndi:ldap://x}', '../../etc/passwd', "'; DROP TABLE x;--", '\r\nX-Injected: 1', 'astra:latest', '*', '{{7*7}}', 'rover-7\n{"category":"audit"}',
);
const longString = fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: 1_000, max: 50_000 })).map(([unit, times]) => unit.repeat(times));
const leaf: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  edgeNumber,
  rawNumber,
  trickyString,
  fc.string({ unit: 'binary', maxLength: 40 }),
  longString,
);
/** Nesting well past MAX_JSON_DEPTH (32), and just under it. */
const deepNesting = fc.tuple(fc.integer({ min: 28, max: 200 }), fc.boolean(), leaf).map(([depth, asArrays, inner]) => {
  let value: Json = inner;
  for (let i = 0; i < depth; i++) value = asArrays ? [value] : members({ a: value });
  return value;
});

function valueFor(keys: fc.Arbitrary<string>): fc.Arbitrary<Json> {
  const { value } = fc.letrec<{ value: Json }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 6, arbitrary: leaf },
      { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.array(fc.tuple(keys, tie('value')), { maxLength: 4 }).map((list) => new Members(list)) },
      { weight: 1, arbitrary: deepNesting },
    ),
  }));
  return value;
}

// ---- bodies: a valid template with a few hostile edits --------------------------------------------

type Edit = { kind: 'set' | 'repeat'; key: string; value: Json } | { kind: 'delete'; key: string };

function hostileBody(template: fc.Arbitrary<Members>, fieldNames: readonly string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...fieldNames) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'channels', '') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  );
  const value = valueFor(key);
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key, value }),
    fc.record({ kind: fc.constant('repeat' as const), key, value }),
    fc.record({ kind: fc.constant('delete' as const), key }),
  );
  const edited = fc.tuple(template, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([base, edits]) => {
    let list = [...base.members];
    for (const change of edits) {
      if (change.kind === 'delete') list = list.filter(([name]) => name !== change.key);
      else if (change.kind === 'repeat' || !list.some(([name]) => name === change.key)) list.push([change.key, change.value]);
      else list = list.map(([name, member]) => [name, name === change.key ? change.value : member]);
    }
    return toText(new Members(list));
  });
  return fc.oneof(
    { weight: 16, arbitrary: edited },
    { weight: 2, arbitrary: fc.tuple(edited, fc.nat()).map(([text, cut]) => text.slice(0, cut % Math.max(1, text.length))) },
    { weight: 1, arbitrary: edited.map((text) => `${text}}`) },
    { weight: 2, arbitrary: value.map(toText) },
  );
}

/** The instances bodies name (some never seen before a run): the snapshot covers each of them. */
const INSTANCES = ['hostile-1', 'hostile-2', 'fresh-1', 'fresh-2', 'fresh-3', 'fresh-4', 'fresh-5', 'fresh-6'] as const;
const FRAME_FIELDS = ['instance_id', 'timestamp', 'voltage', 'temperature', 'gyro', 'current', 'wheel_speed', 'cpu_usage', 'active_connections', 'channels'];

const validFrame = fc.record({
  instance: fc.constantFrom(...INSTANCES),
  voltage: fc.double({ min: 27, max: 29, noNaN: true }),
  extra: fc.boolean(),
}).map(({ instance, voltage, extra }) => members({ instance_id: instance, voltage, temperature: 20, ...(extra ? { channels: members({ battery_soc: 80 }) } : {}) }));

/** Large payloads every run includes, whatever the seed. */
const TEN_MB = 'x'.repeat(10 * 1024 * 1024);
const ALWAYS = (field: string) => [
  `{"${field}":"${TEN_MB}"}`,
  `{"${field}":"${'y'.repeat(900 * 1024)}"}`,
  `{"__proto__":{"isAdmin":true},"${field}":1}`,
  `{"constructor":{"prototype":{"polluted":true}}}`,
  `{"${field}":1,"${field}":"1"}`,
  '['.repeat(10_000) + ']'.repeat(10_000),
  `{"${field}":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
];

// ---- the service under test, and what "state" means ----------------------------------------------

describe('hostile input', () => {
  const { keys, env } = makeTestKeys();
  let t: TestApp;
  let anomalyId: string;
  const processErrors: unknown[] = [];
  const onProcessError = (error: unknown) => processErrors.push(error);

  beforeAll(async () => {
    process.on('uncaughtException', onProcessError);
    process.on('unhandledRejection', onProcessError);
    t = await startTestApp({ ...env, REDIS_URL: process.env.ASTRA_TEST_REDIS_URL!, REDIS_KEY_PREFIX: `hostile-${process.pid}:`, CHAOS_ENABLED: 'true' });
    // One real anomaly, so feedback has something to refer to.
    const frames = nominalFrames(INSTANCES[0], 300);
    await t.http().post('/api/v1/telemetry/batch').set('X-API-Key', keys.operator).send({ telemetry: frames }).expect(200);
    const brownout = await t.http().post('/api/v1/telemetry').set('X-API-Key', keys.operator).send({ ...frames[299], timestamp: frames[299].timestamp + 1000, voltage: 4 }).expect(200);
    expect(brownout.body.is_anomaly).toBe(true);
    anomalyId = brownout.body.anomaly_id;
  });
  afterAll(async () => {
    await t.close();
    process.off('uncaughtException', onProcessError);
    process.off('unhandledRejection', onProcessError);
  });

  const get = async (path: string) => {
    const res = await t.http().get(path).set('X-API-Key', keys.viewer);
    return { status: res.status, body: res.body as unknown };
  };

  /** Everything a write could change: latest frames, anomaly history, the anomaly's feedback, phases, feedback analytics. */
  const snapshot = async () => ({
    latest: await Promise.all(['default', ...INSTANCES].map((id) => get(`/api/v1/telemetry/latest?instance_id=${id}`))),
    history: await get('/api/v1/history/anomalies?limit=1000'),
    anomaly: await get(`/api/v1/anomalies/${anomalyId}`),
    phases: await get('/api/v1/phase'),
    analytics: await get('/api/v1/analytics/false_positives'),
    memory: await get('/api/v1/memory/stats'),
  });

  interface Target {
    path: string;
    key: () => string;
    /** What a refused request must leave unchanged. */
    state?: () => Promise<unknown>;
    /** Undoes an accepted request that must not outlive it (a chaos experiment). */
    undo?: () => Promise<unknown>;
  }

  function check({ path, key, state = snapshot, undo }: Target, bodies: fc.Arbitrary<string>, examples: string[]) {
    return fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const before = await state();
        const res = await t.http().post(path).set('X-API-Key', key()).set('Content-Type', 'application/json').send(body);
        if (res.status < 400) await undo?.();
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.body).toEqual({ statusCode: res.status, error: expect.any(String), message: expect.anything() });
          expect(await state()).toEqual(before);
        }
      }),
      {
        seed: SEED,
        numRuns: RUNS,
        examples: examples.map((body) => [body]),
        reporter: (run) => {
          if (!run.failed) return;
          const example = run.counterexample ? fc.stringify(run.counterexample[0]).slice(0, 500) : 'none';
          throw new Error(`${path}: property failed (seed ${run.seed}, path "${run.counterexamplePath}"; replay with FC_SEED=${run.seed}) on ${example}…\n${String(run.errorInstance ?? '').slice(0, 2000)}`);
        },
      },
    );
  }

  const operator = () => keys.operator;

  it('POST /api/v1/telemetry', () => check({ path: '/api/v1/telemetry', key: operator }, hostileBody(validFrame, FRAME_FIELDS), ALWAYS('voltage')));

  it('POST /api/v1/telemetry/batch', () => {
    const batch = fc.array(fc.oneof(validFrame.map((frame): Json => frame), valueFor(fc.constantFrom(...FRAME_FIELDS))), { minLength: 1, maxLength: 5 }).map((frames) => members({ telemetry: frames }));
    return check({ path: '/api/v1/telemetry/batch', key: operator }, hostileBody(batch, ['telemetry']), ALWAYS('telemetry'));
  });

  it('POST /api/v1/phase', () => {
    const change = fc.record({ instance: fc.constantFrom(...INSTANCES), phase: fc.constantFrom('LAUNCH', 'DEPLOYMENT', 'NOMINAL_OPS', 'PAYLOAD_OPS', 'SAFE_MODE', 'nominal_ops'), force: fc.boolean() })
      .map(({ instance, phase, force }) => members({ instance_id: instance, phase, force, reason: 'hostile input test' }));
    return check({ path: '/api/v1/phase', key: operator }, hostileBody(change, ['instance_id', 'phase', 'force', 'reason']), ALWAYS('reason'));
  });

  it('POST /api/v1/feedback', () => {
    const verdict = fc.constantFrom('true_positive', 'false_positive').map((label) => members({ anomaly_id: anomalyId, label, notes: 'hostile input test' }));
    return check({ path: '/api/v1/feedback', key: operator }, hostileBody(verdict, ['anomaly_id', 'label', 'notes']), ALWAYS('notes'));
  });

  // Chaos: an accepted experiment is ended at once, so it cannot disturb the runs after it.
  const chaos = {
    key: () => keys.admin,
    state: () => get('/api/v1/chaos/experiments'),
    undo: () => t.http().delete('/api/v1/chaos/experiments').set('X-API-Key', keys.admin).expect(200),
  };

  it('POST /api/v1/chaos/experiments', () => {
    const experiment = fc.record({ target: fc.constantFrom('redis', 'detector', 'http', 'webhook'), fault: fc.constantFrom('latency', 'error', 'exception'), ttl: fc.integer({ min: 1, max: 5 }) })
      .map(({ target, fault, ttl }) => members({ target, fault, latency_min_ms: 0, latency_max_ms: 1, error_rate: 1, probability: 0, ttl_seconds: ttl, ...(target === 'http' ? { route: '/api/v1/memory/stats' } : {}) }));
    const fields = ['target', 'route', 'fault', 'latency_min_ms', 'latency_max_ms', 'error_rate', 'probability', 'ttl_seconds'];
    return check({ path: '/api/v1/chaos/experiments', ...chaos }, hostileBody(experiment, fields), ALWAYS('route'));
  });

  it('POST /api/v1/chaos/inject', () => {
    const injection = fc.constantFrom('network_latency', 'model_loader', 'redis_failure').map((fault) => members({ fault_type: fault, duration_seconds: 1 }));
    return check({ path: '/api/v1/chaos/inject', ...chaos }, hostileBody(injection, ['fault_type', 'duration_seconds']), ALWAYS('fault_type'));
  });

  it('left the process healthy: no uncaught errors, probes up, a valid frame still accepted', async () => {
    expect(processErrors).toEqual([]);
    await t.http().get('/health/ready').expect(200);
    await t.http().post('/api/v1/telemetry').set('X-API-Key', keys.operator).send({ instance_id: INSTANCES[1], voltage: 28 }).expect(200);
  });
});
