import { FAULT_KINDS, FAULT_TYPES, faultChannels, type FaultType } from './faults';
import type { GroundTruth, TruthFault } from './ground-truth';

/** What the scorer needs from an anomaly of GET /api/v1/history/anomalies. */
export interface ReportedAnomaly {
  anomaly_id: string;
  instance_id: string;
  /** Reading time, ISO-8601. */
  timestamp: string;
  anomaly_type: string;
  triggered_channels?: string[];
}

export interface ScoreOptions {
  /** After a fault ends, anomalies it caused (recovery) still count for it for this long. */
  graceMs: number;
  /** Anomalies in the first part of the run are the engine learning, not false alarms. */
  warmupMs: number;
  /** False alarms on one rover closer than this form one episode. */
  episodeGapMs: number;
}
export const DEFAULT_SCORE_OPTIONS: Readonly<ScoreOptions> = Object.freeze({ graceMs: 60_000, warmupMs: 120_000, episodeGapMs: 60_000 });

export interface FaultOutcome {
  fault: TruthFault;
  /** Anomalies attributed to the fault: on its rover, in its window, on its channels or of its type. */
  matched: number;
  detected: boolean;
  /** First attributed anomaly's reading time minus the fault's start. */
  timeToDetectMs?: number;
  /** Some attributed anomaly names the fault's expected anomaly type. */
  classified: boolean;
  firstAnomalyType?: string;
}

export interface TypeScore {
  type: FaultType;
  faults: number;
  detected: number;
  classified: number;
  detectionRate: number;
  medianTimeToDetectMs?: number;
  maxTimeToDetectMs?: number;
}

export interface ScoreReport {
  faults: FaultOutcome[];
  byType: TypeScore[];
  overall: { faults: number; detected: number; detectionRate: number | null };
  falseAlarms: {
    anomalies: number;
    episodes: number;
    /** Rovers × scored simulated time (after the warm-up), hours. */
    roverHours: number;
    anomaliesPerRoverHour: number | null;
    episodesPerRoverHour: number | null;
  };
  /** Anomalies raised only on replayed channels: real recorded data, not simulated faults. */
  replayAlarms: number;
  /** Anomalies of the run's rovers inside the run considered at all. */
  anomaliesScored: number;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function explains(fault: TruthFault, anomaly: ReportedAnomaly, at: number, graceMs: number): boolean {
  if (anomaly.instance_id !== fault.rover) return false;
  if (at < Date.parse(fault.start) || at > Date.parse(fault.end) + graceMs) return false;
  if (FAULT_KINDS[fault.type].expectedAnomalyTypes.includes(anomaly.anomaly_type)) return true;
  const channels = faultChannels(fault.type, fault.channel);
  return (anomaly.triggered_channels ?? []).some((channel) => channels.includes(channel));
}

/**
 * Compares the anomalies the service reported with the ground truth of a run. An anomaly counts
 * for a fault when it is on the fault's rover between its start and end + grace, and either names
 * the fault's anomaly type or was triggered by one of the channels the fault changes; anything else
 * after the warm-up is a false alarm (alarms raised only by replayed channels are counted apart).
 */
export function scoreRun(truth: GroundTruth, anomalies: readonly ReportedAnomaly[], options: ScoreOptions = DEFAULT_SCORE_OPTIONS): ScoreReport {
  const runStart = Date.parse(truth.started_at);
  const runEnd = Date.parse(truth.ended_at);
  const scoredFrom = runStart + options.warmupMs;
  const rovers = new Set(truth.rovers);
  const replay = new Set(truth.replay_channels);
  const relevant = anomalies
    .map((anomaly) => ({ anomaly, at: Date.parse(anomaly.timestamp) }))
    .filter(({ anomaly, at }) => rovers.has(anomaly.instance_id) && at >= runStart && at <= runEnd)
    .sort((a, b) => a.at - b.at);

  const outcomes: FaultOutcome[] = truth.faults.map((fault) => ({ fault, matched: 0, detected: false, classified: false }));
  const falseAlarmTimes = new Map<string, number[]>();
  let replayAlarms = 0;
  for (const { anomaly, at } of relevant) {
    const triggered = anomaly.triggered_channels ?? [];
    if (triggered.length > 0 && triggered.every((channel) => replay.has(channel))) {
      replayAlarms++;
      continue;
    }
    const outcome = outcomes.find((o) => explains(o.fault, anomaly, at, options.graceMs));
    if (outcome) {
      outcome.matched++;
      if (!outcome.detected) {
        outcome.detected = true;
        outcome.timeToDetectMs = at - Date.parse(outcome.fault.start);
        outcome.firstAnomalyType = anomaly.anomaly_type;
      }
      if (FAULT_KINDS[outcome.fault.type].expectedAnomalyTypes.includes(anomaly.anomaly_type)) outcome.classified = true;
    } else if (at >= scoredFrom) {
      const times = falseAlarmTimes.get(anomaly.instance_id) ?? [];
      times.push(at);
      falseAlarmTimes.set(anomaly.instance_id, times);
    }
  }

  const byType: TypeScore[] = FAULT_TYPES.flatMap((type) => {
    const of = outcomes.filter((o) => o.fault.type === type);
    if (of.length === 0) return [];
    const times = of.flatMap((o) => (o.timeToDetectMs === undefined ? [] : [o.timeToDetectMs]));
    const detected = of.filter((o) => o.detected).length;
    return [{
      type,
      faults: of.length,
      detected,
      classified: of.filter((o) => o.classified).length,
      detectionRate: detected / of.length,
      medianTimeToDetectMs: median(times),
      maxTimeToDetectMs: times.length > 0 ? Math.max(...times) : undefined,
    }];
  });

  let falseAnomalies = 0;
  let episodes = 0;
  for (const times of falseAlarmTimes.values()) {
    falseAnomalies += times.length;
    episodes += times.filter((t, i) => i === 0 || t - times[i - 1] > options.episodeGapMs).length;
  }
  const roverHours = (truth.rovers.length * Math.max(0, runEnd - scoredFrom)) / 3_600_000;
  const perHour = (count: number) => (roverHours > 0 ? count / roverHours : null);
  const detected = outcomes.filter((o) => o.detected).length;
  return {
    faults: outcomes,
    byType,
    overall: { faults: outcomes.length, detected, detectionRate: outcomes.length > 0 ? detected / outcomes.length : null },
    falseAlarms: {
      anomalies: falseAnomalies,
      episodes,
      roverHours,
      anomaliesPerRoverHour: perHour(falseAnomalies),
      episodesPerRoverHour: perHour(episodes),
    },
    replayAlarms,
    anomaliesScored: relevant.length,
  };
}
