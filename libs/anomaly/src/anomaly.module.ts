import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { AnomalyMetrics, anomalyMetricProviders } from './anomaly-metrics';
import { ANOMALY_MEMORY, DETECTOR, DetectionService, POLICY_ENGINE } from './detection.service';
import { DEFAULT_ALERT_THRESHOLD, StreamingAnomalyEngine } from './engine';
import { FeedbackLedger } from './feedback/feedback-ledger';
import { FeedbackController } from './feedback/feedback.controller';
import { FEEDBACK_LEDGER, FeedbackService } from './feedback/feedback.service';
import { AnomalyMemory } from './memory/anomaly-memory';
import { MemoryController } from './memory/memory.controller';
import { MissionPhaseService } from './phase/mission-phase.service';
import { PhaseController } from './phase/phase.controller';
import { loadPhasePolicy, PhasePolicy } from './policy/phase-policy';
import { PolicyEngine } from './policy/policy-engine';

const PHASE_POLICY = Symbol('PHASE_POLICY');

/** Streaming detection, the mission-phase policy, anomaly memory and operator feedback. */
@Module({
  controllers: [PhaseController, MemoryController, FeedbackController],
  providers: [
    { provide: PHASE_POLICY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadPhasePolicy(config.phasePolicyFile || undefined) },
    { provide: DETECTOR, useFactory: () => new StreamingAnomalyEngine() },
    { provide: POLICY_ENGINE, inject: [PHASE_POLICY], useFactory: (policy: PhasePolicy) => new PolicyEngine(policy, DEFAULT_ALERT_THRESHOLD) },
    { provide: ANOMALY_MEMORY, inject: [PHASE_POLICY], useFactory: (policy: PhasePolicy) => new AnomalyMemory(policy.memory) },
    { provide: FEEDBACK_LEDGER, inject: [PHASE_POLICY], useFactory: (policy: PhasePolicy) => new FeedbackLedger(policy.feedback.step, policy.feedback.max_multiplier) },
    ...anomalyMetricProviders,
    AnomalyMetrics,
    MissionPhaseService,
    FeedbackService,
    DetectionService,
  ],
  exports: [DetectionService, MissionPhaseService],
})
export class AnomalyModule {}
