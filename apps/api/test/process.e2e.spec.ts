import { ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { freePort } from '../../../test/redis-server';
import { nominalFrames } from './test-app';

/** The service as a real process: start-up validation and graceful shutdown on SIGTERM. */
const root = resolve(__dirname, '../../..');

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--require', './scripts/register-ts.js', 'apps/api/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { child, output: () => output, exited };
}

async function waitUntilLive(url: string, running: Running): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`service exited early: ${running.output()}`);
    if (await fetch(`${url}/health/live`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`service not live within 30 s: ${running.output()}`);
}

describe('the service process', () => {
  it('refuses to start on a bad setting, naming the variable', async () => {
    const running = launch({ PORT: 'eighty' });
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain('Invalid configuration: PORT must be a whole number, got "eighty"');
  });

  it('on SIGTERM finishes the request in flight, then exits 0 and stops accepting', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const running = launch({ PORT: String(port), HOST: '127.0.0.1' });
    await waitUntilLive(url, running);

    // The signal arrives while the request is in flight: headers and half the body sent, the rest after.
    const body = Buffer.from(JSON.stringify({ telemetry: nominalFrames('shutdown-rover', 500) }));
    const req = request(`${url}/api/v1/telemetry/batch`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } });
    const answered = new Promise<{ status: number; body: string }>((resolveAnswer, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolveAnswer({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
    });
    req.write(body.subarray(0, body.length / 2));
    await new Promise((r) => setTimeout(r, 300));
    running.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    req.end(body.subarray(body.length / 2));

    const response = await answered;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).total_processed).toBe(500);
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('SIGTERM: draining in-flight requests');
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});
