export { AnomalyModule } from './anomaly.module';
export { DetectionService, FrameAssessment } from './detection.service';
export { ANOMALY_TYPES, AnomalyType, FrameInput } from './engine/detector';
export { MissionPhaseService } from './phase/mission-phase.service';
export { INSTANCE_ID_RULE, IsOptionalInstanceId } from './phase/phase.dto';
export { INITIAL_PHASE } from './phase/phase-transitions';
export { EscalationLevel } from './policy/phase-policy';
