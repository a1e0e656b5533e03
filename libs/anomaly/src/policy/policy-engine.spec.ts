import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MissionPhase } from '@astra/storage';
import { tempDir } from '../../../../test/temp-dir';
import { Detection } from '../engine/detector';
import { DEFAULT_POLICY_FILE, loadPhasePolicy } from './phase-policy';
import { PolicyEngine } from './policy-engine';

const detection = (severityScore: number, anomalyType: Detection['anomalyType'] = 'thermal_fault'): Detection => ({
  anomalyScore: 0.9,
  channelScores: { temperature: 0.9 },
  anomalyType,
  severityScore,
  confidence: 0.8,
  triggeredChannels: ['temperature'],
  reasoning: 'test',
});

describe('PolicyEngine', () => {
  const engine = new PolicyEngine(loadPhasePolicy(), 0.5);

  it('scales the threshold per phase and by feedback, capped at 1', () => {
    expect(engine.threshold('NOMINAL_OPS')).toBeCloseTo(0.5);
    expect(engine.threshold('LAUNCH')).toBeCloseTo(0.625);
    expect(engine.threshold('NOMINAL_OPS', 1.2)).toBeCloseTo(0.6);
    expect(new PolicyEngine(loadPhasePolicy(), 0.9).threshold('LAUNCH', 1.5)).toBe(1);
  });

  it.each([
    [0.1, 'LOW'],
    [0.4, 'MEDIUM'],
    [0.7, 'HIGH'],
    [0.85, 'CRITICAL'],
  ])('maps severity score %s to %s', (score, level) => {
    expect(engine.severityLevel(score)).toBe(level);
  });

  // Which severities may act, per phase (the table): LAUNCH CRITICAL only; DEPLOYMENT HIGH+;
  // NOMINAL_OPS and PAYLOAD_OPS MEDIUM+; SAFE_MODE log only.
  it.each<[MissionPhase, number, boolean]>([
    ['LAUNCH', 0.7, false],
    ['LAUNCH', 0.9, true],
    ['DEPLOYMENT', 0.5, false],
    ['DEPLOYMENT', 0.7, true],
    ['NOMINAL_OPS', 0.2, false],
    ['NOMINAL_OPS', 0.5, true],
    ['PAYLOAD_OPS', 0.5, true],
    ['SAFE_MODE', 0.9, false],
  ])('in %s a severity of %s is allowed to act: %s', (phase, severity, allowed) => {
    const decision = engine.decide(detection(severity), phase, true, 1);
    expect(decision.is_allowed).toBe(allowed);
    if (!allowed) expect(decision.escalation_level).toBe('LOG_ONLY');
  });

  it('recommends the type action and escalation when allowed', () => {
    const decision = engine.decide(detection(0.7, 'power_fault'), 'NOMINAL_OPS', true, 1);
    expect(decision).toMatchObject({
      severity_level: 'HIGH',
      recommended_action: 'POWER_LOAD_SHEDDING',
      escalation_level: 'ALERT_MISSION_CONTROL',
      should_escalate_to_safe_mode: false,
    });
  });

  it('escalates to SAFE_MODE on CRITICAL or on the third recurrence, never from SAFE_MODE itself', () => {
    expect(engine.decide(detection(0.9), 'NOMINAL_OPS', true, 1)).toMatchObject({ should_escalate_to_safe_mode: true, recommended_action: 'ENTER_SAFE_MODE' });
    expect(engine.decide(detection(0.5), 'NOMINAL_OPS', true, 2).should_escalate_to_safe_mode).toBe(false);
    expect(engine.decide(detection(0.5), 'NOMINAL_OPS', true, 3).should_escalate_to_safe_mode).toBe(true);
    expect(engine.decide(detection(0.9), 'SAFE_MODE', true, 5).should_escalate_to_safe_mode).toBe(false);
  });

  it('takes no action on a normal frame', () => {
    expect(engine.decide(detection(0.1, 'normal'), 'NOMINAL_OPS', false, 0)).toMatchObject({
      recommended_action: 'NO_ACTION',
      escalation_level: 'NONE',
      should_escalate_to_safe_mode: false,
    });
  });
});

describe('loadPhasePolicy', () => {
  it('rejects a policy file with a bad value, naming the key', async () => {
    const dir = await tempDir('policy');
    const file = join(dir.path, 'bad.yaml');
    try {
      writeFileSync(file, readFileSync(DEFAULT_POLICY_FILE, 'utf8').replace('threshold_multiplier: 1.25', 'threshold_multiplier: -2'));
      expect(() => loadPhasePolicy(file)).toThrow(/phases\.LAUNCH\.threshold_multiplier must be a number/);
    } finally {
      await dir.remove();
    }
  });
});
