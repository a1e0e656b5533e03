import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { MISSION_PHASES, MissionPhase, SEVERITY_LEVELS, SeverityLevel } from '@astra/storage';
import { ANOMALY_TYPES, AnomalyType } from '../engine/detector';

export type EscalationLevel = 'NONE' | 'LOG_ONLY' | 'NOTIFY_OPERATOR' | 'ALERT_MISSION_CONTROL' | 'EMERGENCY';
const ESCALATION_LEVELS: readonly EscalationLevel[] = ['NONE', 'LOG_ONLY', 'NOTIFY_OPERATOR', 'ALERT_MISSION_CONTROL', 'EMERGENCY'];

export interface PhaseRules {
  threshold_multiplier: number;
  act_on: SeverityLevel[];
  allowed_actions: string[];
}

export interface PhasePolicy {
  severity_levels: Record<SeverityLevel, number>;
  escalation_by_severity: Record<SeverityLevel, EscalationLevel>;
  action_by_type: Record<Exclude<AnomalyType, 'normal'>, string>;
  safe_mode_escalation: { on_severity: SeverityLevel; on_recurrence_count: number };
  phases: Record<MissionPhase, PhaseRules>;
  memory: {
    recurrence_horizon_seconds: number;
    retention_seconds: Record<SeverityLevel, number>;
    max_events: number;
  };
  feedback: { step: number; max_multiplier: number };
}

export const DEFAULT_POLICY_FILE = join(__dirname, 'phase-policy.yaml');

class PolicyError extends Error {
  constructor(file: string, path: string, problem: string) {
    super(`Invalid phase policy ${file}: ${path} ${problem}`);
  }
}

/** Reads and validates a policy file; every problem names the offending key. */
export function loadPhasePolicy(file = DEFAULT_POLICY_FILE): PhasePolicy {
  const policy = parse(readFileSync(file, 'utf8')) as PhasePolicy;
  const fail = (path: string, problem: string): never => {
    throw new PolicyError(file, path, problem);
  };
  const number = (path: string, value: unknown, min: number, max = Infinity) => {
    if (typeof value !== 'number' || !(value >= min && value <= max)) fail(path, `must be a number in [${min}, ${max}]`);
  };
  const severity = (path: string, value: unknown) => {
    if (!SEVERITY_LEVELS.includes(value as SeverityLevel)) fail(path, `must be one of ${SEVERITY_LEVELS.join(', ')}`);
  };

  let previousBound = -1;
  for (const level of SEVERITY_LEVELS) {
    number(`severity_levels.${level}`, policy.severity_levels?.[level], 0, 1);
    if (policy.severity_levels[level] <= previousBound) fail(`severity_levels.${level}`, 'must be above the previous level');
    previousBound = policy.severity_levels[level];
    if (!ESCALATION_LEVELS.includes(policy.escalation_by_severity?.[level])) fail(`escalation_by_severity.${level}`, `must be one of ${ESCALATION_LEVELS.join(', ')}`);
    number(`memory.retention_seconds.${level}`, policy.memory?.retention_seconds?.[level], 1);
  }
  for (const type of ANOMALY_TYPES) {
    if (type !== 'normal' && typeof policy.action_by_type?.[type] !== 'string') fail(`action_by_type.${type}`, 'must name an action');
  }
  severity('safe_mode_escalation.on_severity', policy.safe_mode_escalation?.on_severity);
  number('safe_mode_escalation.on_recurrence_count', policy.safe_mode_escalation?.on_recurrence_count, 2);
  for (const phase of MISSION_PHASES) {
    const rules = policy.phases?.[phase];
    if (!rules) fail(`phases.${phase}`, 'is missing');
    number(`phases.${phase}.threshold_multiplier`, rules.threshold_multiplier, 0.1, 10);
    if (!Array.isArray(rules.act_on)) fail(`phases.${phase}.act_on`, 'must be a list');
    rules.act_on.forEach((level, i) => severity(`phases.${phase}.act_on[${i}]`, level));
    if (!Array.isArray(rules.allowed_actions) || rules.allowed_actions.some((a) => typeof a !== 'string')) {
      fail(`phases.${phase}.allowed_actions`, 'must be a list of action names');
    }
  }
  number('memory.recurrence_horizon_seconds', policy.memory.recurrence_horizon_seconds, 1);
  number('memory.max_events', policy.memory.max_events, 1);
  number('feedback.step', policy.feedback?.step, 0, 1);
  number('feedback.max_multiplier', policy.feedback?.max_multiplier, 1, 10);
  return policy;
}
