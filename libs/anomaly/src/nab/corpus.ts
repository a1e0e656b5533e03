import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTimestamp } from './timestamps';

/** An anomaly window as labelled: both ends inclusive, epoch milliseconds. */
export interface LabelWindow {
  startMs: number;
  endMs: number;
}

export interface TimeSeries {
  /** Original timestamp text, kept so results files echo the input exactly. */
  timestampText: string[];
  timestampsMs: Float64Array;
  values: Float64Array;
}

export interface NabDataFile extends TimeSeries {
  /** `<category>/<file>.csv`, the key used by NAB's label files. */
  relativePath: string;
  category: string;
  /** File name without `.csv`. */
  name: string;
  windows: LabelWindow[];
}

/** Reads a `timestamp,value` CSV; a header row is skipped when its value column is not numeric. */
export function readTimeSeriesCsv(path: string): TimeSeries {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const timestampText: string[] = [];
  const values: number[] = [];
  for (const line of lines) {
    if (line.length === 0) continue;
    const comma = line.indexOf(',');
    const value = Number(line.slice(comma + 1));
    if (comma < 0 || !Number.isFinite(value)) continue;
    timestampText.push(line.slice(0, comma));
    values.push(value);
  }
  return {
    timestampText,
    timestampsMs: Float64Array.from(timestampText, parseTimestamp),
    values: Float64Array.from(values),
  };
}

/** Default corpus location: `../shared/datasets/nab` relative to the project root. */
export function defaultNabRoot(projectRoot: string): string {
  return join(projectRoot, '..', 'shared', 'datasets', 'nab');
}

/**
 * Loads every data file of a NAB corpus (`<root>/data/<category>/<file>.csv`) with its windows from
 * `<root>/labels/combined_windows.json`, in a stable (sorted) order.
 */
export function readNabCorpus(root: string): NabDataFile[] {
  const windowsByPath = JSON.parse(
    readFileSync(join(root, 'labels', 'combined_windows.json'), 'utf8'),
  ) as Record<string, [string, string][]>;
  const dataDir = join(root, 'data');
  const files: NabDataFile[] = [];
  for (const category of readdirSync(dataDir, { withFileTypes: true })) {
    if (!category.isDirectory()) continue;
    for (const fileName of readdirSync(join(dataDir, category.name)).sort()) {
      if (!fileName.endsWith('.csv')) continue;
      const relativePath = `${category.name}/${fileName}`;
      const labels = windowsByPath[relativePath];
      if (!labels) throw new Error(`No label entry for ${relativePath}`);
      files.push({
        relativePath,
        category: category.name,
        name: fileName.slice(0, -'.csv'.length),
        windows: labels.map(([start, end]) => ({ startMs: parseTimestamp(start), endMs: parseTimestamp(end) })),
        ...readTimeSeriesCsv(join(dataDir, category.name, fileName)),
      });
    }
  }
  return files.sort((a, b) => a.relativePath.localeCompare(b.relativePath));
}
