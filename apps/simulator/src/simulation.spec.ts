import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realWait, TelemetryClient } from './client';
import type { TelemetryFrame } from './fleet';
import { DEFAULT_ENVIRONMENT } from './rover-model';
import { runSimulation, type SimulationOptions } from './simulation';

const START = Date.UTC(2026, 10, 21, 12);

/** A stand-in service on a free loopback port that records the batches it receives. */
async function recordingService(status: (request: number) => number = () => 200) {
  const batches: TelemetryFrame[][] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const code = status(batches.length + 1);
      if (code === 200) batches.push(JSON.parse(body).telemetry);
      else batches.push([]);
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(code === 200 ? { total_processed: 0, anomalies_detected: 1 } : { statusCode: code, message: 'invalid API key' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, batches, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function options(url: string, overrides: Partial<SimulationOptions> = {}): SimulationOptions {
  return {
    url, rovers: 3, rateHz: 1, durationMs: 120_000, speed: 10_000, batch: 50, seed: 4, prefix: 'rover', startMs: START,
    environment: DEFAULT_ENVIRONMENT, dropoutRate: 0, scenarioPath: 'inline', replays: [],
    faults: [
      { rover: 'rover-02', type: 'current_surge', startMs: 30_000, durationMs: 20_000, magnitude: 6 },
      { rover: 'rover-03', type: 'comms_gap', startMs: 100_000, durationMs: 60_000, magnitude: 0 },
    ],
    ...overrides,
  };
}

describe('runSimulation', () => {
  it('streams every rover in reading-time order and writes the ground truth of what happened', async () => {
    const service = await recordingService();
    try {
      const stop = new AbortController();
      const result = await runSimulation(options(service.url), { client: new TelemetryClient({ baseUrl: service.url }), now: Date.now, wait: realWait, stop: stop.signal });
      const frames = service.batches.flat();
      expect(service.batches.every((b) => b.length <= 50)).toBe(true);
      for (const rover of ['rover-01', 'rover-02']) {
        const times = frames.filter((f) => f.instance_id === rover).map((f) => f.timestamp);
        expect(times).toEqual(Array.from({ length: 120 }, (_, i) => START + (i + 1) * 1000));
      }
      // rover-03 is silent from 100 s to the end (its comms gap runs past the end of the run).
      expect(frames.filter((f) => f.instance_id === 'rover-03')).toHaveLength(99);
      expect(result.stats).toMatchObject({ framesSent: 339, framesFailed: 0, simulatedMs: 120_000 });
      expect(result.truth).toMatchObject({
        rovers: ['rover-01', 'rover-02', 'rover-03'], started_at: new Date(START).toISOString(), ended_at: new Date(START + 120_000).toISOString(),
        stopped_early: false, frames_sent: 339, frames_failed: 0,
        faults: [
          { rover: 'rover-02', type: 'current_surge', start: new Date(START + 30_000).toISOString(), end: new Date(START + 50_000).toISOString(), magnitude: 6 },
          { rover: 'rover-03', type: 'comms_gap', start: new Date(START + 100_000).toISOString(), end: new Date(START + 120_000).toISOString(), magnitude: 0, truncated: true },
        ],
      });
      expect(result.failure).toBeUndefined();
    } finally {
      await service.close();
    }
  });

  it('stops cleanly when asked: sends what is pending and leaves out faults that never started', async () => {
    const service = await recordingService();
    try {
      const stop = new AbortController();
      const client = new TelemetryClient({ baseUrl: service.url });
      const sendFrames = client.sendFrames.bind(client);
      // Ctrl-C arrives while the first request is in flight. A clock that leaps a second per reading
      // keeps the run behind schedule, so the first request is a full batch on any machine.
      let wall = 0;
      const result = await runSimulation(options(service.url, { batch: 30 }), {
        client: { sendFrames: (frames) => (stop.abort(), sendFrames(frames)) },
        now: () => (wall += 1000), wait: realWait, stop: stop.signal,
      });
      expect(result.truth.stopped_early).toBe(true);
      expect(result.truth.ended_at).toBe(new Date(START + 10_000).toISOString()); // 10 ticks x 3 rovers = the first batch of 30
      expect(result.truth.faults).toEqual([]);
      expect(service.batches.flat()).toHaveLength(30);
    } finally {
      await service.close();
    }
  });

  it('gives up at once when the service refuses the credentials', async () => {
    const service = await recordingService(() => 401);
    try {
      // The leaping clock keeps the run behind schedule, so the refused request is a full batch of 50;
      // 17 ticks of 3 rovers made 51 frames, and the one left pending is counted as failed too.
      let wall = 0;
      const result = await runSimulation(options(service.url), {
        client: new TelemetryClient({ baseUrl: service.url, apiKey: 'wrong' }), now: () => (wall += 1000), wait: realWait, stop: new AbortController().signal,
      });
      expect(result.failure).toBe('POST /api/v1/telemetry/batch: 401 invalid API key');
      expect(service.batches).toHaveLength(1);
      expect(result.stats.framesSent).toBe(0);
      expect(result.truth.frames_failed).toBe(51);
    } finally {
      await service.close();
    }
  });
});
