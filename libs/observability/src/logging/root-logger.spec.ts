import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '@astra/config';
import { createRootLogger } from './root-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createRootLogger(loadConfig({ NODE_ENV: 'test', SERVICE_NAME: 'svc' }, '1.2.3'), stream) };
}

describe('root logger', () => {
  it('writes one JSON object per line with time, level label, service, version and environment', () => {
    const { lines, logger } = capture();
    logger.warn({ msg: 'hello', category: 'application', event: 'greeting' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'hello', service: 'svc', version: '1.2.3', environment: 'test', category: 'application', event: 'greeting' });
    expect(Number.isNaN(Date.parse(lines[0].time as string))).toBe(false);
  });

  it('keeps each line to its own fields (nothing carried over from earlier lines)', () => {
    const { lines, logger } = capture();
    logger.warn({ msg: 'first', category: 'security', event: 'open_mode', context: 'Security' });
    logger.info({ msg: 'second', category: 'access', event: 'http_request' });
    expect(lines[1]).toMatchObject({ msg: 'second', category: 'access', event: 'http_request' });
    expect(lines[1]).not.toHaveProperty('context');
  });

  it('gives a line that names no category one: error from the error level up, application below', () => {
    const { lines, logger } = capture();
    logger.info({ msg: 'Mapped {/api/v1/telemetry, POST} route', context: 'RouterExplorer' });
    logger.error({ msg: 'bootstrap failed' });
    logger.fatal('going down');
    logger.error({ msg: 'refused', category: 'security', event: 'auth_failure' });
    expect(lines.map((line) => line.category)).toEqual(['application', 'error', 'error', 'security']);
  });

  it('redacts credentials at the top level and in headers', () => {
    const { lines, logger } = capture();
    logger.info({ msg: 'secrets', authorization: 'Bearer s1', token: 't1', password: 'p1', headers: { 'x-api-key': 'k1', cookie: 'c1', accept: 'json' }, req: { headers: { authorization: 'Bearer s2' } } });
    const text = JSON.stringify(lines[0]);
    for (const secret of ['s1', 't1', 'p1', 'k1', 'c1', 's2']) expect(text).not.toContain(`"${secret}"`);
    expect(lines[0]).toMatchObject({ authorization: '[redacted]', headers: { accept: 'json', 'x-api-key': '[redacted]' } });
  });

  it('serialises errors with their stack', () => {
    const { lines, logger } = capture();
    logger.error({ msg: 'failed', category: 'error', event: 'unhandled_exception', err: new Error('boom') });
    expect((lines[0].err as { stack: string; message: string }).message).toBe('boom');
    expect((lines[0].err as { stack: string }).stack).toContain('root-logger.spec');
  });
});

describe('root logger on stdout (a real process)', () => {
  const root = path.resolve(__dirname, '../../../..');
  /** Node, with the TypeScript sources, running `body` after `logger` is made the way the service makes it. */
  const args = (body: string) => [
    '--require',
    './scripts/register-ts.js',
    '-e',
    `const { createRootLogger } = require('./libs/observability/src/logging/root-logger.ts');
     const { loadConfig } = require('@astra/config');
     const logger = createRootLogger(loadConfig({ NODE_ENV: 'test' }, '1.2.3'));
     ${body}`,
  ];
  const jsonLines = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string });

  it('writes every buffered line when the process exits at once', () => {
    const child = spawnSync(process.execPath, args(`for (let i = 0; i < 3; i++) logger.info({ msg: 'line ' + i }); process.exit(0);`), { cwd: root, encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(jsonLines(child.stdout).map((line) => line.msg)).toEqual(['line 0', 'line 1', 'line 2']);
  });

  it('writes a quiet process\'s line without waiting for the buffer to fill', async () => {
    const child = spawn(process.execPath, args(`logger.info({ msg: 'alone' }); setTimeout(() => undefined, 30000);`), { cwd: root });
    try {
      const first = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
      expect(jsonLines(first).map((line) => line.msg)).toEqual(['alone']);
    } finally {
      child.kill();
    }
  });
});
