import { Body, Controller, Get, INestApplication, Logger, Post, UnprocessableEntityException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { register } from 'prom-client';
import request from 'supertest';
import { ConfigModule, loadConfig } from '@astra/config';
import { generateApiKey } from './api-keys';
import { Public, RequireRole } from './roles';
import { SecurityModule } from './security.module';

/** The secret part of an `ag_<id>_<secret>` key (the secret itself may contain `_`). */
const secretOf = (key: string): string => key.split('_').slice(2).join('_');

/** One route of each class the guard tells apart. */
@Controller('fixture')
class FixtureController {
  @Public() @Get('probe') probe() { return { ok: true }; }
  @Get('read') read() { return { ok: true }; }
  @Post('write') write() { return { ok: true }; }
  @RequireRole('admin') @Post('admin') admin(@Body() body: { fail?: boolean }) {
    if (body?.fail) throw new UnprocessableEntityException('refused by the handler');
    return { ok: true };
  }
}

async function startFixture(env: Record<string, string>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(loadConfig({ NODE_ENV: 'test', ...env })), SecurityModule],
    controllers: [FixtureController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

async function counterValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

const keys = { viewer: generateApiKey('viewer'), operator: generateApiKey('operator'), admin: generateApiKey('admin') };
const API_KEYS = Object.values(keys).map((k) => k.entry).join(',');

describe('SecurityModule: every role against every route class', () => {
  let app: INestApplication;
  beforeAll(async () => (app = await startFixture({ API_KEYS })));
  afterAll(() => app.close());

  // caller → [probe, read, write, admin]
  const matrix: [string, string | undefined, number[]][] = [
    ['no key', undefined, [200, 401, 401, 401]],
    ['viewer', keys.viewer.key, [200, 200, 403, 403]],
    ['operator', keys.operator.key, [200, 200, 201, 403]],
    ['admin', keys.admin.key, [200, 200, 201, 201]],
  ];
  it.each(matrix)('%s', async (_caller, key, [probe, read, write, admin]) => {
    const call = (test: request.Test) => (key ? test.set('X-API-Key', key) : test);
    await call(request(app.getHttpServer()).get('/fixture/probe')).expect(probe);
    await call(request(app.getHttpServer()).get('/fixture/read')).expect(read);
    await call(request(app.getHttpServer()).post('/fixture/write')).expect(write);
    await call(request(app.getHttpServer()).post('/fixture/admin')).expect(admin);
  });

  it('counts and logs each refusal by reason, with the key id and never the key', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const before = { missing: await counterValue('astra_auth_failures_total', { reason: 'missing' }), invalid: await counterValue('astra_auth_failures_total', { reason: 'invalid' }), forbidden: await counterValue('astra_auth_failures_total', { reason: 'forbidden' }) };
      const wrongSecret = keys.operator.key.slice(0, -4) + 'AAAA';
      await request(app.getHttpServer()).get('/fixture/read').expect(401);
      await request(app.getHttpServer()).get('/fixture/read').set('X-API-Key', wrongSecret).expect(401);
      await request(app.getHttpServer()).post('/fixture/admin').set('Authorization', `Bearer ${keys.operator.key}`).expect(403);
      expect(await counterValue('astra_auth_failures_total', { reason: 'missing' })).toBe(before.missing + 1);
      expect(await counterValue('astra_auth_failures_total', { reason: 'invalid' })).toBe(before.invalid + 1);
      expect(await counterValue('astra_auth_failures_total', { reason: 'forbidden' })).toBe(before.forbidden + 1);

      const events = warn.mock.calls.map(([entry]) => entry as Record<string, unknown>).filter((entry) => entry.event === 'auth_failure');
      expect(events.map((e) => e.reason)).toEqual(['missing', 'invalid', 'forbidden']);
      for (const event of events) expect(event).toMatchObject({ category: 'security', method: expect.any(String), route: expect.stringMatching(/^\/fixture\//) });
      const operatorId = keys.operator.key.split('_')[1];
      expect(events[1].key_id).toBe(operatorId);
      expect(events[2].key_id).toBe(operatorId);
      const logged = JSON.stringify(warn.mock.calls);
      for (const { key } of Object.values(keys)) expect(logged).not.toContain(secretOf(key));
      expect(logged).not.toContain(secretOf(wrongSecret));
    } finally {
      warn.mockRestore();
    }
  });

  it('writes an audit line for every admin action, succeeded or failed, naming the key id', async () => {
    const log = jest.spyOn(Logger.prototype, 'log');
    try {
      await request(app.getHttpServer()).post('/fixture/admin').set('X-API-Key', keys.admin.key).send({}).expect(201);
      await request(app.getHttpServer()).post('/fixture/admin').set('X-API-Key', keys.admin.key).send({ fail: true }).expect(422);
      await request(app.getHttpServer()).post('/fixture/write').set('X-API-Key', keys.admin.key).expect(201);
      const audits = log.mock.calls.map(([entry]) => entry as Record<string, unknown>).filter((entry) => entry.category === 'audit');
      const adminId = keys.admin.key.split('_')[1];
      expect(audits).toEqual([
        expect.objectContaining({ event: 'admin_action', key_id: adminId, route: '/fixture/admin', method: 'POST', outcome: 'succeeded' }),
        expect.objectContaining({ event: 'admin_action', key_id: adminId, route: '/fixture/admin', method: 'POST', outcome: 'failed', status: 422 }),
      ]);
    } finally {
      log.mockRestore();
    }
  });
});

describe('SecurityModule: key rotation', () => {
  it('accepts the old and the new key of a role while both are configured, and only the new one after', async () => {
    const old = generateApiKey('operator');
    const renewed = generateApiKey('operator');
    const during = await startFixture({ API_KEYS: `${old.entry},${renewed.entry}` });
    try {
      await request(during.getHttpServer()).post('/fixture/write').set('X-API-Key', old.key).expect(201);
      await request(during.getHttpServer()).post('/fixture/write').set('X-API-Key', renewed.key).expect(201);
    } finally {
      await during.close();
    }
    const after = await startFixture({ API_KEYS: renewed.entry });
    try {
      await request(after.getHttpServer()).post('/fixture/write').set('X-API-Key', old.key).expect(401);
      await request(after.getHttpServer()).post('/fixture/write').set('X-API-Key', renewed.key).expect(201);
    } finally {
      await after.close();
    }
  });
});

describe('SecurityModule: open mode (no keys)', () => {
  let app: INestApplication;
  beforeAll(async () => (app = await startFixture({})));
  afterAll(() => app.close());

  it('lets anyone read and write but disables admin routes, counting the attempt', async () => {
    const before = await counterValue('astra_auth_failures_total', { reason: 'admin_disabled' });
    await request(app.getHttpServer()).get('/fixture/read').expect(200);
    await request(app.getHttpServer()).post('/fixture/write').expect(201);
    const res = await request(app.getHttpServer()).post('/fixture/admin').expect(403);
    expect(res.body.message).toBe('admin routes are disabled while the service runs without API keys');
    expect(await counterValue('astra_auth_failures_total', { reason: 'admin_disabled' })).toBe(before + 1);
  });
});

describe('SecurityModule: rate limiting', () => {
  const LIMIT = 3;

  it('gives each verified key its own budget across routes, then answers 429 with Retry-After', async () => {
    const app = await startFixture({ API_KEYS, RATE_LIMIT_MAX: String(LIMIT), RATE_LIMIT_WINDOW_MS: '60000' });
    try {
      const before = await counterValue('astra_rate_limited_total');
      const http = () => request(app.getHttpServer());
      await http().get('/fixture/read').set('X-API-Key', keys.viewer.key).expect(200);
      await http().post('/fixture/write').set('X-API-Key', keys.operator.key).expect(201);
      await http().get('/fixture/read').set('X-API-Key', keys.viewer.key).expect(200);
      await http().get('/fixture/read').set('X-API-Key', keys.viewer.key).expect(200);
      const limited = await http().post('/fixture/write').set('X-API-Key', keys.viewer.key).expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(limited.body.message).toMatch(/^rate limit of 3 requests per 60 s exceeded; retry after \d+ s$/);
      // The operator key still has budget left; public probes are never limited.
      await http().post('/fixture/write').set('X-API-Key', keys.operator.key).expect(201);
      for (let i = 0; i < LIMIT + 2; i++) await http().get('/fixture/probe').expect(200);
      expect(await counterValue('astra_rate_limited_total')).toBe(before + 1);
    } finally {
      await app.close();
    }
  });

  it('throttles callers without a valid key by address, before the key check (no free guessing)', async () => {
    const app = await startFixture({ API_KEYS, RATE_LIMIT_MAX: String(LIMIT) });
    try {
      const http = () => request(app.getHttpServer());
      // A wrong key carrying the admin's id must not spend the admin's budget.
      const forged = `ag_${keys.admin.key.split('_')[1]}_${'A'.repeat(43)}`;
      for (let i = 0; i < LIMIT; i++) await http().get('/fixture/read').set('X-API-Key', forged).expect(401);
      await http().get('/fixture/read').set('X-API-Key', forged).expect(429);
      await http().get('/fixture/read').expect(429);
      await http().post('/fixture/admin').set('X-API-Key', keys.admin.key).expect(201);
    } finally {
      await app.close();
    }
  });

  it('limits by address while open, and RATE_LIMIT_MAX=0 turns limiting off', async () => {
    const open = await startFixture({ RATE_LIMIT_MAX: String(LIMIT) });
    try {
      for (let i = 0; i < LIMIT; i++) await request(open.getHttpServer()).get('/fixture/read').expect(200);
      await request(open.getHttpServer()).get('/fixture/read').expect(429);
    } finally {
      await open.close();
    }
    const unlimited = await startFixture({ RATE_LIMIT_MAX: '0' });
    try {
      for (let i = 0; i < 20; i++) await request(unlimited.getHttpServer()).get('/fixture/read').expect(200);
    } finally {
      await unlimited.close();
    }
  });
});
