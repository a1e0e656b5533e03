import { MISSION_PHASES } from '@astra/storage';
import { transitionRefusal } from './phase-transitions';

describe('mission phase transitions', () => {
  const allowed = [
    ['LAUNCH', 'DEPLOYMENT'],
    ['LAUNCH', 'SAFE_MODE'],
    ['DEPLOYMENT', 'NOMINAL_OPS'],
    ['DEPLOYMENT', 'SAFE_MODE'],
    ['NOMINAL_OPS', 'PAYLOAD_OPS'],
    ['NOMINAL_OPS', 'SAFE_MODE'],
    ['PAYLOAD_OPS', 'NOMINAL_OPS'],
    ['PAYLOAD_OPS', 'SAFE_MODE'],
    ['SAFE_MODE', 'NOMINAL_OPS'],
  ];

  it('allows exactly the documented transitions', () => {
    for (const from of MISSION_PHASES) {
      for (const to of MISSION_PHASES) {
        const expected = allowed.some(([f, t]) => f === from && t === to);
        expect([from, to, transitionRefusal(from, to, false) === undefined]).toEqual([from, to, expected]);
      }
    }
  });

  it('explains a refusal', () => {
    expect(transitionRefusal('LAUNCH', 'PAYLOAD_OPS', false)).toBe('LAUNCH cannot transition to PAYLOAD_OPS; allowed: DEPLOYMENT, SAFE_MODE');
    expect(transitionRefusal('SAFE_MODE', 'SAFE_MODE', false)).toBe('already in SAFE_MODE');
  });

  it('accepts force only to enter SAFE_MODE', () => {
    expect(transitionRefusal('SAFE_MODE', 'SAFE_MODE', true)).toBeUndefined();
    expect(transitionRefusal('LAUNCH', 'SAFE_MODE', true)).toBeUndefined();
    expect(transitionRefusal('SAFE_MODE', 'PAYLOAD_OPS', true)).toBe('force is only allowed for SAFE_MODE, not PAYLOAD_OPS');
  });
});
