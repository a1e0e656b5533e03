import { MissionPhase, SEVERITY_LEVELS, SeverityLevel, severityRank } from '@astra/storage';
import { AnomalyType, Detection } from '../engine/detector';
import { EscalationLevel, PhasePolicy } from './phase-policy';

export interface PolicyDecision {
  severity_level: SeverityLevel;
  is_allowed: boolean;
  allowed_actions: string[];
  recommended_action: string;
  escalation_level: EscalationLevel;
  should_escalate_to_safe_mode: boolean;
}

/** Turns a detection into what the mission-phase policy says to do about it. Pure. */
export class PolicyEngine {
  constructor(readonly policy: PhasePolicy, private readonly baseThreshold: number) {}

  /** The anomaly-score bar in this phase, raised by the channel's feedback multiplier. */
  threshold(phase: MissionPhase, feedbackMultiplier = 1): number {
    return Math.min(1, this.baseThreshold * this.policy.phases[phase].threshold_multiplier * feedbackMultiplier);
  }

  severityLevel(severityScore: number): SeverityLevel {
    let level: SeverityLevel = 'LOW';
    for (const candidate of SEVERITY_LEVELS) if (severityScore >= this.policy.severity_levels[candidate]) level = candidate;
    return level;
  }

  decide(detection: Detection, phase: MissionPhase, isAnomaly: boolean, recurrenceCount: number): PolicyDecision {
    const rules = this.policy.phases[phase];
    const severity_level = this.severityLevel(detection.severityScore);
    if (!isAnomaly) {
      return {
        severity_level,
        is_allowed: true,
        allowed_actions: rules.allowed_actions,
        recommended_action: 'NO_ACTION',
        escalation_level: 'NONE',
        should_escalate_to_safe_mode: false,
      };
    }
    const escalation = this.policy.safe_mode_escalation;
    const should_escalate_to_safe_mode =
      phase !== 'SAFE_MODE' &&
      (severityRank(severity_level) >= severityRank(escalation.on_severity) || recurrenceCount >= escalation.on_recurrence_count);
    const is_allowed = rules.act_on.includes(severity_level);
    return {
      severity_level,
      is_allowed,
      allowed_actions: rules.allowed_actions,
      recommended_action: this.recommendedAction(detection.anomalyType, is_allowed, should_escalate_to_safe_mode),
      escalation_level: is_allowed ? this.policy.escalation_by_severity[severity_level] : 'LOG_ONLY',
      should_escalate_to_safe_mode,
    };
  }

  private recommendedAction(type: AnomalyType, allowed: boolean, toSafeMode: boolean): string {
    if (toSafeMode) return 'ENTER_SAFE_MODE';
    if (!allowed || type === 'normal') return 'LOG';
    return this.policy.action_by_type[type];
  }
}
