import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { loadConfig } from '@astra/config';
import { generateApiKey, Role } from '@astra/security';
import { createApp } from '../src/bootstrap';
import { uniform } from '../../../test/seeded-random';

export interface TestApp {
  app: NestExpressApplication;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/** The real application on an ephemeral port-less server, configured like production from env-style settings. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env }, '0.0.0-test'));
  await app.init();
  const server = app.getHttpServer();
  return { app, http: () => request(server), close: () => app.close() };
}

/** `count` nominal rover frames, one a second from `start`: small noise around stable values. */
export function nominalFrames(instanceId: string, count: number, start = Date.UTC(2026, 10, 21), seed = 7) {
  const random = uniform(seed);
  const noise = (scale: number) => (random() - 0.5) * 2 * scale;
  return Array.from({ length: count }, (_, i) => ({
    instance_id: instanceId,
    timestamp: start + i * 1000,
    voltage: 28 + noise(0.2),
    temperature: 20 + noise(0.5),
    gyro: noise(0.01),
    current: 1.5 + noise(0.05),
    wheel_speed: 100 + noise(2),
  }));
}

export interface TestKeys {
  keys: Record<Role, string>;
  /** Environment that configures exactly these keys. */
  env: { API_KEYS: string };
}

/** One fresh key per role, and the API_KEYS value that accepts them. */
export function makeTestKeys(): TestKeys {
  const generated = { viewer: generateApiKey('viewer'), operator: generateApiKey('operator'), admin: generateApiKey('admin') };
  return {
    keys: { viewer: generated.viewer.key, operator: generated.operator.key, admin: generated.admin.key },
    env: { API_KEYS: Object.values(generated).map((g) => g.entry).join(',') },
  };
}
