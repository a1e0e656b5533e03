import { readFlagFile, UsageError } from './usage-error';
import { basename, extname } from 'node:path';

/** A recorded series replayed as an extra channel of every rover, one row per frame. */
export interface ReplaySeries {
  /** Extra-channel name: the file name in snake case (BusVoltage.csv → bus_voltage). */
  channel: string;
  values: readonly number[];
}

/** "BusVoltage" → "bus_voltage": a valid extra-channel name ([a-z0-9_.]). */
export function channelNameFor(path: string): string {
  const name = basename(path, extname(path))
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_.]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase()
    .slice(0, 64);
  if (name === '') throw new UsageError(`--replay ${path}: cannot make a channel name from the file name`);
  return name;
}

/**
 * Reads `time,value` rows (the LASP and NAB layout; a header row and blank lines are skipped).
 * The recorded times are not used: rows are replayed in file order on the simulated clock.
 */
export function parseReplayCsv(text: string, source: string): number[] {
  const values: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const cells = line.split(',');
    const value = Number(cells[cells.length - 1]);
    if (cells.length >= 2 && cells[cells.length - 1].trim() !== '' && Number.isFinite(value)) values.push(value);
    else if (index > 0 || values.length > 0) throw new UsageError(`--replay ${source}: line ${index + 1} has no numeric value in its last column: ${line.slice(0, 80)}`);
  });
  if (values.length < 2) throw new UsageError(`--replay ${source}: needs at least 2 rows of time,value`);
  return values;
}

export function loadReplay(path: string): ReplaySeries {
  const text = readFlagFile('--replay', path);
  return { channel: channelNameFor(path), values: parseReplayCsv(text, path) };
}
