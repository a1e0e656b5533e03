import { BeforeApplicationShutdown, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Span } from '@opentelemetry/api';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { withSpan } from '@astra/observability';
import { FAULT_INJECTOR, FaultInjector } from '@astra/reliability';
import { MissionPhase, SeverityLevel, STORE, Store } from '@astra/storage';
import { AnomalyMetrics } from './anomaly-metrics';
import { AnomalyType, Detector, FrameInput } from './engine/detector';
import { AnomalyMemory } from './memory/anomaly-memory';
import { FeedbackService } from './feedback/feedback.service';
import { MissionPhaseService } from './phase/mission-phase.service';
import { EscalationLevel } from './policy/phase-policy';
import { PolicyEngine } from './policy/policy-engine';

/** Injection tokens of the engine parts, so tests can substitute them. */
export const DETECTOR = Symbol('DETECTOR');
export const POLICY_ENGINE = Symbol('POLICY_ENGINE');
export const ANOMALY_MEMORY = Symbol('ANOMALY_MEMORY');

/** Everything the service concludes about one frame. */
export interface FrameAssessment {
  is_anomaly: boolean;
  anomaly_score: number;
  anomaly_type: AnomalyType;
  severity_score: number;
  severity_level: SeverityLevel;
  mission_phase: MissionPhase;
  recommended_action: string;
  escalation_level: EscalationLevel;
  is_allowed: boolean;
  allowed_actions: string[];
  should_escalate_to_safe_mode: boolean;
  confidence: number;
  reasoning: string;
  recurrence_count: number;
  channel_scores: Record<string, number>;
  /** Channels that drove the score, most important first. */
  triggered_channels: string[];
}

/** Scores leave the service with 4 decimals: more is noise to an operator (0.9999999999999999). */
const roundScore = (score: number): number => Math.round(score * 1e4) / 1e4;

function roundScores(scores: Record<string, number>): Record<string, number> {
  const rounded: Record<string, number> = {};
  for (const channel in scores) rounded[channel] = roundScore(scores[channel]);
  return rounded;
}

/** Frames between two snapshots of an instance's engine state. */
const SNAPSHOT_EVERY_FRAMES = 500;

/**
 * Runs frames through the engine, the mission-phase policy, the anomaly memory and the feedback
 * bars. Engine state per instance is loaded from the store on first sight and saved every
 * SNAPSHOT_EVERY_FRAMES frames and at shutdown, so a restart or another replica resumes it.
 */
@Injectable()
export class DetectionService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DetectionService.name);
  /** Instances whose state is in the engine, least recently used first, with frames since the last snapshot. */
  private readonly loaded = new Map<string, number>();
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    @Inject(DETECTOR) private readonly engine: Detector,
    @Inject(POLICY_ENGINE) private readonly policy: PolicyEngine,
    @Inject(ANOMALY_MEMORY) private readonly memory: AnomalyMemory,
    @Inject(STORE) private readonly store: Store,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly phases: MissionPhaseService,
    private readonly feedback: FeedbackService,
    private readonly metrics: AnomalyMetrics,
    /** Chaos target `detector` (absent when the reliability module is not loaded). */
    @Optional() @Inject(FAULT_INJECTOR) private readonly faults?: FaultInjector,
  ) {}

  /**
   * Assesses frames in order; frames of one call see each other's effect on the engine. One span per
   * call, not per frame (a 10 000-frame batch would make 10 000 spans); see describeDetection.
   */
  assess(frames: readonly FrameInput[]): Promise<FrameAssessment[]> {
    return withSpan('anomaly.detect', { 'astra.frame_count': frames.length }, async (span) => {
      await this.faults?.inject('detector');
      const instanceIds = [...new Set(frames.map((frame) => frame.instanceId))];
      await Promise.all(instanceIds.map((id) => this.ensureLoaded(id)));
      const phases = new Map<string, MissionPhase>();
      for (const id of instanceIds) phases.set(id, (await this.phases.current(id)).phase);
      const assessments = frames.map((frame) => this.assessOne(frame, phases.get(frame.instanceId)!));
      await this.snapshotDue(instanceIds);
      if (span.isRecording()) describeDetection(span, frames, assessments);
      return assessments;
    });
  }

  /** Before the store closes (StorageModule closes it on shutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.loaded.keys()].map((id) => this.saveSnapshot(id)));
  }

  private assessOne(frame: FrameInput, phase: MissionPhase): FrameAssessment {
    const started = performance.now();
    const detection = this.engine.detect(frame);
    this.loaded.set(frame.instanceId, (this.loaded.get(frame.instanceId) ?? 0) + 1);
    const leadChannel = detection.triggeredChannels[0];
    const bar = leadChannel ? this.feedback.thresholdMultiplier(frame.instanceId, leadChannel) : 1;
    const isAnomaly = detection.anomalyType !== 'normal' && detection.anomalyScore >= this.policy.threshold(phase, bar);
    const severityLevel = this.policy.severityLevel(detection.severityScore);
    const recurrenceCount = isAnomaly
      ? this.memory.remember({
          instanceId: frame.instanceId,
          anomalyType: detection.anomalyType,
          channels: detection.triggeredChannels,
          severity: severityLevel,
          at: frame.timestamp,
        })
      : 0;
    if (isAnomaly) this.metrics.anomalyDetected(severityLevel, detection.anomalyType, recurrenceCount > 1, this.memory.approxSizeBytes);
    const decision = this.policy.decide(detection, phase, isAnomaly, recurrenceCount);
    // Field order is the original API's AnomalyResponse order, so answers read the same.
    const assessment: FrameAssessment = {
      is_anomaly: isAnomaly,
      anomaly_score: roundScore(detection.anomalyScore),
      anomaly_type: isAnomaly ? detection.anomalyType : 'normal',
      severity_score: roundScore(detection.severityScore),
      severity_level: decision.severity_level,
      mission_phase: phase,
      recommended_action: decision.recommended_action,
      escalation_level: decision.escalation_level,
      is_allowed: decision.is_allowed,
      allowed_actions: decision.allowed_actions,
      should_escalate_to_safe_mode: decision.should_escalate_to_safe_mode,
      confidence: roundScore(detection.confidence),
      reasoning: isAnomaly || bar === 1 ? detection.reasoning : `${detection.reasoning} (alert bar raised ${bar.toFixed(2)}x by operator feedback)`,
      recurrence_count: recurrenceCount,
      channel_scores: roundScores(detection.channelScores),
      triggered_channels: detection.triggeredChannels,
    };
    this.metrics.frameAssessed((performance.now() - started) / 1000);
    return assessment;
  }

  private ensureLoaded(instanceId: string): Promise<void> {
    const frames = this.loaded.get(instanceId);
    if (frames !== undefined) {
      this.loaded.delete(instanceId);
      this.loaded.set(instanceId, frames);
      return Promise.resolve();
    }
    let pending = this.loading.get(instanceId);
    if (!pending) {
      pending = this.load(instanceId).finally(() => this.loading.delete(instanceId));
      this.loading.set(instanceId, pending);
    }
    return pending;
  }

  private async load(instanceId: string): Promise<void> {
    const snapshot = await this.store.loadDetectorState(instanceId).catch((error: Error) => {
      this.logger.warn(`engine state of ${instanceId} not loaded (${error.message}); starting fresh`);
      return undefined;
    });
    if (snapshot && !this.engine.restore(instanceId, snapshot)) {
      // Another engine version's (or shape's) state: the instance warms up again; no frame is lost.
      this.logger.log({
        msg: 'stored engine state not usable by this engine version; instance starts fresh',
        category: 'application',
        event: 'engine_state_discarded',
        instance_id: instanceId,
      });
    }
    this.loaded.set(instanceId, 0);
    await this.evictBeyondCapacity();
  }

  private async evictBeyondCapacity(): Promise<void> {
    while (this.loaded.size > this.config.maxInstances) {
      const oldest = this.loaded.keys().next().value!;
      await this.saveSnapshot(oldest);
      this.loaded.delete(oldest);
      this.engine.forget(oldest);
    }
  }

  private async snapshotDue(instanceIds: string[]): Promise<void> {
    const due = instanceIds.filter((id) => (this.loaded.get(id) ?? 0) >= SNAPSHOT_EVERY_FRAMES);
    await Promise.all(due.map((id) => this.saveSnapshot(id)));
  }

  /** A lost snapshot costs warm-up time, not data, so failures are logged and the frame goes on. */
  private async saveSnapshot(instanceId: string): Promise<void> {
    const snapshot = this.engine.snapshot(instanceId);
    if (!snapshot) return;
    try {
      await this.store.saveDetectorState(instanceId, snapshot);
      if (this.loaded.has(instanceId)) this.loaded.set(instanceId, 0);
    } catch (error) {
      this.logger.warn(`engine state of ${instanceId} not saved: ${(error as Error).message}`);
    }
  }
}

/** Span attributes: counts for any call; for a single frame also its channel count, score and severity. */
function describeDetection(span: Span, frames: readonly FrameInput[], assessments: readonly FrameAssessment[]): void {
  span.setAttribute('astra.anomaly_count', assessments.filter((assessment) => assessment.is_anomaly).length);
  if (frames.length !== 1) return;
  const [assessment] = assessments;
  span.setAttributes({
    'astra.channel_count': Object.keys(frames[0].channels).length,
    'astra.anomaly_score': assessment.anomaly_score,
    'astra.severity_level': assessment.severity_level,
    'astra.anomaly_type': assessment.anomaly_type,
  });
}
