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
