import { Writable } from 'node:stream';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { loadConfig } from '@astra/config';
import { runInRequestScope } from '../http/request-scope';
import { AccessEntry, AccessLog } from './access-log';
import { createRootLogger } from './root-logger';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({ NODE_ENV: 'test', SERVICE_NAME: 'svc', LOG_LEVEL: level }, '1.2.3');
  const logger = createRootLogger(config, stream);
  return { lines, logger, accessLog: new AccessLog(logger, config) };
}

const entry = (status: number, extra: Partial<AccessEntry> = {}): AccessEntry => ({ requestId: 'req-1', method: 'POST', route: '/api/v1/telemetry', status, durationMicros: 1234, requestBytes: 110, responseBytes: 895, ...extra });

describe('access log', () => {
  it('writes the same fields, in the same order, as a pino line written during the request', () => {
    const { lines, logger, accessLog } = capture();
    const now = Date.UTC(2026, 10, 21, 12, 0, 0, 5);
    accessLog.write(entry(200, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }), now);
    runInRequestScope({ requestId: 'req-1' }, ROOT_CONTEXT, () =>
      logger.info({ msg: 'POST /api/v1/telemetry 200', category: 'access', event: 'http_request', method: 'POST', route: '/api/v1/telemetry', status: 200, duration_ms: 1.234, request_bytes: 110, response_bytes: 895, trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) }),
    );
    expect(lines).toHaveLength(2);
    const [access, pinoLine] = lines;
    expect(access.time).toBe('2026-11-21T12:00:00.005Z');
    expect(Object.keys(access)).toEqual(Object.keys(pinoLine));
    expect({ ...access, time: undefined }).toEqual({ ...pinoLine, time: undefined });
  });

  it('says the duration in milliseconds to the microsecond', () => {
    const { lines, accessLog } = capture();
    for (const durationMicros of [1005, 7, 2_000_000, 999_999]) accessLog.write(entry(200, { durationMicros }), Date.now());
    expect(lines.map((line) => line.duration_ms)).toEqual([1.005, 0.007, 2000, 999.999]);
  });

  it('leaves the trace ids out of requests that were not sampled', () => {
    const { lines, accessLog } = capture();
    accessLog.write(entry(200), Date.now());
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[0]).not.toHaveProperty('span_id');
  });

  it('logs 4xx at warn and 5xx at error, and only what the logger level admits', () => {
    const { lines, logger, accessLog } = capture('warn');
    for (const status of [200, 404, 503]) accessLog.write(entry(status), Date.now());
    expect(lines.map((line) => [line.status, line.level])).toEqual([
      [404, 'warn'],
      [503, 'error'],
    ]);
    // A level changed at runtime (PUT /api/v1/admin/log-level) applies at once.
    logger.level = 'silent';
    accessLog.write(entry(500), Date.now());
    expect(lines).toHaveLength(2);
  });
});
