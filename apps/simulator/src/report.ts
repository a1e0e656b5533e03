import type { RetryNotice } from './client';
import { formatDuration } from './duration';
import type { ScoreReport } from './scorer';
import type { RunStats } from './simulation';

const count = (n: number) => n.toLocaleString('en-US');
const percent = (rate: number | null) => (rate === null ? 'n/a' : `${(100 * rate).toFixed(0)} %`);
const perHour = (rate: number | null) => (rate === null ? 'n/a' : rate.toFixed(2));

/** One progress line: where the run is in simulated time, throughput, anomalies, trouble. */
export function progressLine(stats: RunStats, retries: number): string {
  const seconds = stats.wallMs / 1000;
  const rate = seconds > 0 ? stats.framesSent / seconds : 0;
  const parts = [
    `sim ${formatDuration(stats.simulatedMs)}/${formatDuration(stats.durationMs)}`,
    `frames ${count(stats.framesSent)} (${count(Math.round(rate))}/s)`,
    `anomalies ${count(stats.anomalies)}`,
    `retries ${count(retries)}`,
    `errors ${count(stats.framesFailed)}`,
  ];
  return parts.join(' | ');
}

export function retryLine(notice: RetryNotice): string {
  return `service busy (${notice.reason}); retrying in ${formatDuration(notice.delayMs)} (attempt ${notice.attempt + 1})`;
}

export function runSummary(stats: RunStats, retries: number, truthPath: string, faults: number, stoppedEarly: boolean, url: string): string {
  const seconds = stats.wallMs / 1000;
  return [
    stoppedEarly ? 'Stopped early.' : 'Done.',
    `  simulated   ${formatDuration(stats.simulatedMs)} in ${formatDuration(stats.wallMs)} of wall time`,
    `  frames      ${count(stats.framesSent)} sent (${count(Math.round(seconds > 0 ? stats.framesSent / seconds : 0))}/s), ${count(stats.framesFailed)} failed, ${count(stats.requests)} requests, ${count(retries)} retries`,
    `  anomalies   ${count(stats.anomalies)} reported by the service`,
    ...(stats.lastError ? [`  last error  ${stats.lastError}`] : []),
    `  truth       ${truthPath} (${faults} fault${faults === 1 ? '' : 's'})`,
    `  score it:   npm run simulate -- score --truth ${truthPath} --url ${url}`,
  ].join('\n');
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function scoreText(report: ScoreReport): string {
  const ttd = (ms?: number) => (ms === undefined ? '-' : formatDuration(ms));
  const byType = table(
    ['fault type', 'faults', 'detected', 'rate', 'right type', 'median TTD', 'max TTD'],
    report.byType.map((t) => [t.type, String(t.faults), String(t.detected), percent(t.detectionRate), String(t.classified), ttd(t.medianTimeToDetectMs), ttd(t.maxTimeToDetectMs)]),
  );
  const faults = table(
    ['rover', 'fault', 'start', 'detected after', 'first type', 'matched'],
    report.faults.map((o) => [o.fault.rover, o.fault.type, o.fault.start, o.detected ? ttd(o.timeToDetectMs) : 'missed', o.firstAnomalyType ?? '-', String(o.matched)]),
  );
  const fa = report.falseAlarms;
  return [
    report.byType.length > 0 ? byType : 'No faults in this run (nominal fleet): only false alarms are scored.',
    '',
    `detection    ${report.overall.detected}/${report.overall.faults} faults (${percent(report.overall.detectionRate)})`,
    `false alarms ${fa.anomalies} anomalies in ${fa.episodes} episodes over ${fa.roverHours.toFixed(2)} rover-hours: ` +
      `${perHour(fa.anomaliesPerRoverHour)} anomalies, ${perHour(fa.episodesPerRoverHour)} episodes per rover-hour`,
    ...(report.replayAlarms > 0 ? [`replay       ${report.replayAlarms} anomalies on replayed channels only (recorded data, not counted)`] : []),
    `considered   ${report.anomaliesScored} anomalies of the run's rovers`,
    ...(report.faults.length > 0 ? ['', faults] : []),
  ].join('\n');
}
