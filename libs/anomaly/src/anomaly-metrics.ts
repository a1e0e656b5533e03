import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MissionPhase } from '@astra/storage';
import { ANOMALY_TYPES } from './engine/detector';

/** One frame through the engine, policy and memory takes microseconds; the top buckets catch stalls. */
const DETECTION_BUCKETS = [0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.025, 0.1];

export const anomalyMetricProviders = [
  makeCounterProvider({ name: 'astra_anomalies_detected_total', help: 'Frames judged anomalous, by severity level and fault type', labelNames: ['severity', 'type'] }),
  makeHistogramProvider({ name: 'astra_detection_latency_seconds', help: 'Time to assess one frame (engine, alert bar, memory, policy)', buckets: DETECTION_BUCKETS }),
  makeGaugeProvider({ name: 'astra_detection_accuracy', help: 'Precision over operator-labelled anomalies (0-1); absent until the first label' }),
  makeCounterProvider({ name: 'astra_false_positives_total', help: 'Operator verdicts of false positive, by fault type', labelNames: ['type'] }),
  makeGaugeProvider({ name: 'astra_mission_phase', help: 'Instances known to this process in each mission phase', labelNames: ['phase'] }),
  makeCounterProvider({ name: 'astra_memory_engine_hits_total', help: 'Anomalies whose fault signature recurred within the horizon' }),
  makeCounterProvider({ name: 'astra_memory_engine_misses_total', help: 'Anomalies with a fault signature not seen within the horizon' }),
  makeGaugeProvider({ name: 'astra_memory_engine_size_bytes', help: 'Approximate footprint of the anomaly memory' }),
];

/** Fault types are the engine's fixed set; anything else (e.g. an old stored record) folds into `other`. */
const KNOWN_TYPES = new Set<string>(ANOMALY_TYPES);
const typeLabel = (type: string) => (KNOWN_TYPES.has(type) ? type : 'other');

/** The anomaly capability's own metrics, recorded by the services that observe each fact. */
@Injectable()
export class AnomalyMetrics {
  constructor(
    @InjectMetric('astra_anomalies_detected_total') private readonly detected: Counter<string>,
    @InjectMetric('astra_detection_latency_seconds') private readonly latency: Histogram<string>,
    @InjectMetric('astra_detection_accuracy') private readonly accuracy: Gauge<string>,
    @InjectMetric('astra_false_positives_total') private readonly falsePositives: Counter<string>,
    @InjectMetric('astra_mission_phase') private readonly phases: Gauge<string>,
    @InjectMetric('astra_memory_engine_hits_total') private readonly memoryHits: Counter<string>,
    @InjectMetric('astra_memory_engine_misses_total') private readonly memoryMisses: Counter<string>,
    @InjectMetric('astra_memory_engine_size_bytes') private readonly memorySize: Gauge<string>,
  ) {}

  frameAssessed(seconds: number): void {
    this.latency.observe(seconds);
  }

  /** An anomaly was raised and the memory consulted for its signature. */
  anomalyDetected(severity: string, type: string, recurred: boolean, memorySizeBytes: number): void {
    this.detected.inc({ severity, type: typeLabel(type) });
    (recurred ? this.memoryHits : this.memoryMisses).inc();
    this.memorySize.set(memorySizeBytes);
  }

  feedbackRecorded(label: string, type: string, accuracy: number | null): void {
    if (label === 'false_positive') this.falsePositives.inc({ type: typeLabel(type) });
    if (accuracy !== null) this.accuracy.set(accuracy);
  }

  /** An instance became known in `to` (from undefined) or moved between phases. */
  phaseChanged(from: MissionPhase | undefined, to: MissionPhase): void {
    if (from === to) return;
    if (from) this.phases.dec({ phase: from });
    this.phases.inc({ phase: to });
  }
}
