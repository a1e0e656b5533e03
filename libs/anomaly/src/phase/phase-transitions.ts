import { MissionPhase } from '@astra/storage';

export const INITIAL_PHASE: MissionPhase = 'NOMINAL_OPS';

const ALLOWED: Record<MissionPhase, readonly MissionPhase[]> = {
  LAUNCH: ['DEPLOYMENT', 'SAFE_MODE'],
  DEPLOYMENT: ['NOMINAL_OPS', 'SAFE_MODE'],
  NOMINAL_OPS: ['PAYLOAD_OPS', 'SAFE_MODE'],
  PAYLOAD_OPS: ['NOMINAL_OPS', 'SAFE_MODE'],
  SAFE_MODE: ['NOMINAL_OPS'],
};

export function allowedTransitions(from: MissionPhase): readonly MissionPhase[] {
  return ALLOWED[from];
}

/**
 * Why a transition is refused, or undefined when it may happen. `force` exists for one purpose:
 * entering SAFE_MODE whatever the current phase (including re-asserting it).
 */
export function transitionRefusal(from: MissionPhase, to: MissionPhase, force: boolean): string | undefined {
  if (force) return to === 'SAFE_MODE' ? undefined : `force is only allowed for SAFE_MODE, not ${to}`;
  if (from === to) return `already in ${to}`;
  if (!ALLOWED[from].includes(to)) return `${from} cannot transition to ${to}; allowed: ${ALLOWED[from].join(', ')}`;
  return undefined;
}
