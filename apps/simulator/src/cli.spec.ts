import { parseCli } from './cli';
import { UsageError } from './usage-error';

const NOW = Date.UTC(2026, 10, 21, 10);

describe('parseCli', () => {
  it('runs by default with documented defaults', () => {
    expect(parseCli([], NOW)).toEqual({
      command: 'run', url: 'http://localhost:8000', rovers: 10, rateHz: 1, durationMs: 600_000, speed: 1, faults: undefined,
      truth: 'simulator-truth.json', replay: [], batch: 100, apiKey: undefined, seed: 1, startMs: NOW, prefix: 'rover',
    });
  });

  it('parses the issue example and every run flag', () => {
    const args = parseCli([
      '--url', 'http://localhost:8000/', '--rovers', '20', '--rate', '5', '--duration', '10m', '--faults', 'scenario.yaml',
      '--api-key', 'k-123', '--batch', '100', '--speed', '12.5', '--seed', '7', '--start', '2026-01-01T00:00:00Z',
      '--prefix', 'mars', '--replay', 'a.csv', '--replay', 'b.csv', '--truth', 'out.json',
    ], NOW);
    expect(args).toEqual({
      command: 'run', url: 'http://localhost:8000', rovers: 20, rateHz: 5, durationMs: 600_000, speed: 12.5, faults: 'scenario.yaml',
      truth: 'out.json', replay: ['a.csv', 'b.csv'], batch: 100, apiKey: 'k-123', seed: 7, startMs: Date.UTC(2026, 0, 1), prefix: 'mars',
    });
    expect(parseCli(['run', '--duration', '1h30m'], NOW)).toMatchObject({ command: 'run', durationMs: 5_400_000 });
  });

  it('parses the score command', () => {
    expect(parseCli(['score', '--truth', 't.json', '--grace', '30s', '--warmup', '0s', '--severity-min', 'MEDIUM', '--json'], NOW)).toEqual({
      command: 'score', truth: 't.json', url: undefined, apiKey: undefined, severityMin: 'MEDIUM', json: true,
      score: { graceMs: 30_000, warmupMs: 0, episodeGapMs: 60_000 },
    });
  });

  it('answers help', () => {
    expect(parseCli(['--help'], NOW)).toEqual({ command: 'help' });
    expect(parseCli(['score', '-h'], NOW)).toEqual({ command: 'help' });
    expect(parseCli(['help'], NOW)).toEqual({ command: 'help' });
  });

  it.each([
    [['--rovers', 'abc'], "--rovers must be a whole number from 1 to 1000 (got 'abc')"],
    [['--rovers', '0'], "--rovers must be a whole number from 1 to 1000 (got '0')"],
    [['--rovers', '2.5'], "--rovers must be a whole number from 1 to 1000 (got '2.5')"],
    [['--rate=-1'], "--rate must be a number from 0.01 to 100 (got '-1')"],
    [['--rate', '-1'], "Option '--rate' argument is ambiguous"],
    [['--rate', '1e3'], "--rate must be a number from 0.01 to 100 (got '1e3')"],
    [['--speed', '0'], "--speed must be a number from 0.01 to 10000 (got '0')"],
    [['--duration', '10'], "--duration must be a duration such as 90s, 10m or 1h30m (above 0) (got '10')"],
    [['--duration', '0s'], "--duration must be a duration such as 90s, 10m or 1h30m (above 0) (got '0s')"],
    [['--duration', 'ten minutes'], "--duration must be a duration such as 90s, 10m or 1h30m (above 0) (got 'ten minutes')"],
    [['--batch', '10001'], "--batch must be a whole number from 1 to 10000 (got '10001')"],
    [['--url', 'localhost:8000'], "--url must use http or https (got 'localhost:8000')"],
    [['--url', 'not a url'], "--url must be an http(s) URL such as http://localhost:8000 (got 'not a url')"],
    [['--start', 'yesterday'], "--start must be an ISO-8601 time with a zone, e.g. 2026-11-21T10:00:00Z (got 'yesterday')"],
    [['--prefix', 'rover 1'], "--prefix must be 1-56 characters of A-Z a-z 0-9 . _ : - (got 'rover 1')"],
    [['--api-key', ''], '--api-key must not be empty'],
    [['--rovers'], "Option '--rovers <value>' argument missing"],
    [['--colour', 'red'], "Unknown option '--colour'"],
    [['extra'], "Unexpected argument 'extra'"],
    [['score', '--severity-min', 'huge'], "--severity-min must be one of LOW, MEDIUM, HIGH, CRITICAL (got 'huge')"],
    [['score', '--grace', 'soon'], "--grace must be a duration such as 90s, 10m or 1h30m (got 'soon')"],
    [['score', '--rovers', '3'], "Unknown option '--rovers'"],
  ])('refuses %j clearly', (argv, message) => {
    let thrown: unknown;
    try {
      parseCli(argv, NOW);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toContain(message);
  });
});
