import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { roverIds } from './fleet';
import { channelNameFor, parseReplayCsv } from './replay';
import { faultsForFleet, loadScenario, parseScenario } from './scenario';
import { UsageError } from './usage-error';

const SCENARIOS = join(__dirname, '..', 'scenarios');

function problemsOf(text: string): string {
  try {
    parseScenario(text, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenarios', () => {
  it.each(readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')))('ships %s valid for a 20-rover fleet', (file) => {
    const scenario = loadScenario(join(SCENARIOS, file));
    expect(scenario.faults.length).toBeGreaterThan(0);
    expect(faultsForFleet(scenario, roverIds(20, 'rover'), file).length).toBe(scenario.faults.length);
  });

  it('reads a fault with defaults for the magnitude and the stuck channel', () => {
    const scenario = parseScenario(
      'environment: { day_length: 2h, start_time: "06:30" }\ndropout_rate: 0.01\nfaults:\n  - { rover: 2, type: thermal_runaway, start: 1m30s, duration: 4m }\n  - { rover: rover-03, type: stuck_sensor, start: 0s, duration: 2m }',
      'inline',
    );
    expect(scenario.environment).toEqual({ dayLengthMs: 7_200_000, startTimeOfDay: 6.5 / 24 });
    expect(scenario.dropoutRate).toBe(0.01);
    expect(scenario.faults).toEqual([
      { rover: 2, type: 'thermal_runaway', startMs: 90_000, durationMs: 240_000, magnitude: 40 },
      { rover: 'rover-03', type: 'stuck_sensor', startMs: 0, durationMs: 120_000, magnitude: 0, channel: 'temperature' },
    ]);
  });

  it('lists every problem, each naming its field', () => {
    const message = problemsOf(`
colour: red
dropout_rate: 2
environment: { start_time: "25:00" }
faults:
  - { rover: 0, type: thermal_runaway, start: soon, duration: 0s, magnitude: -3 }
  - { rover: 1, type: melting, start: 1m, duration: 1m }
  - { rover: 1, type: comms_gap, start: 1m, duration: 1m, magnitude: 5 }
  - { rover: 1, type: gyro_drift, start: 1m, duration: 1m, channel: gyro, size: 3 }
`);
    for (const expected of [
      'colour is not a known field',
      'dropout_rate must be a probability between 0 and 0.5',
      'environment.start_time must be a local time of day as HH:MM',
      'faults[0].rover must be a rover number (1, 2, ...) or an instance id',
      'faults[0].start must be a duration such as 90s, 5m or 1h30m',
      'faults[0].duration must be a duration such as 90s, 5m or 1h30m (above 0)',
      'faults[0].magnitude must be a number above 0 and at most 120 °C',
      'faults[1].type must be one of battery_degradation, thermal_runaway',
      'faults[2].magnitude has no meaning for comms_gap',
      'faults[3].size is not a known field',
      'faults[3].channel only applies to stuck_sensor',
    ]) expect(message).toContain(expected);
  });

  it('refuses a document that is not a scenario', () => {
    expect(problemsOf('just text')).toContain('a scenario must be a YAML mapping with a faults list');
    expect(problemsOf('faults: [')).toContain('not valid YAML');
    expect(problemsOf('description: no faults key')).toContain('faults must be a list');
  });

  it('refuses rovers the fleet does not have and overlapping faults on one rover', () => {
    const scenario = parseScenario(
      'faults:\n  - { rover: 5, type: gyro_drift, start: 1m, duration: 2m }\n  - { rover: rover-02, type: gyro_drift, start: 1m, duration: 2m }\n  - { rover: 2, type: current_surge, start: 2m, duration: 2m }\n  - { rover: 1, type: current_surge, start: 3m, duration: 1m }',
      'inline',
    );
    let message = '';
    try {
      faultsForFleet(scenario, roverIds(3, 'rover'), 'inline');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('faults[0].rover 5 is not in the fleet (3 rovers: rover-01 … rover-03)');
    expect(message).toContain('faults[2] overlaps faults[1] on rover-02');
    expect(message).not.toContain('faults[3]');
  });
});

describe('replay files', () => {
  it('names the channel after the file', () => {
    expect(channelNameFor('../shared/datasets/lasp/BusVoltage.csv')).toBe('bus_voltage');
    expect(channelNameFor('/data/TotalBusCurrent.csv')).toBe('total_bus_current');
    expect(channelNameFor('solar array-2.csv')).toBe('solar_array_2');
  });

  it('reads time,value rows in order, skipping a header and blank lines', () => {
    expect(parseReplayCsv('timestamp,value\n2001-01-21 21:00:00,32.0\n\n2001-01-22 00:00:00,31.9\r\n', 'x.csv')).toEqual([32, 31.9]);
  });

  it('refuses rows without a number, naming the line', () => {
    expect(() => parseReplayCsv('t,v\n2001-01-21,32\n2001-01-22,oops\n', 'x.csv')).toThrow('--replay x.csv: line 3 has no numeric value in its last column');
    expect(() => parseReplayCsv('t,v\n2001-01-21,32\n', 'x.csv')).toThrow('needs at least 2 rows');
  });
});
