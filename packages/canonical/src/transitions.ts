import { STATE_MACHINES, type StatefulEntity } from './lifecycles.ts';
import type { StateMachine } from './state-machine.ts';

function machineOf(entity: string): StateMachine | undefined {
  return Object.hasOwn(STATE_MACHINES, entity) ? (STATE_MACHINES as Record<string, StateMachine>)[entity] : undefined;
}

/**
 * Whether `entity` may move from `from` to `to` (21 CFR 11.10(f): permitted sequencing). Staying
 * in the same state is not a transition, so it answers false; so do unknown entities and states.
 */
export function canTransition(entity: StatefulEntity | (string & {}), from: string, to: string): boolean {
  return allowedNext(entity, from).includes(to);
}

/** The states `entity` may move to from `from`; empty for a terminal or unknown state. */
export function allowedNext(entity: StatefulEntity | (string & {}), from: string): string[] {
  const machine = machineOf(entity);
  if (!machine || !Object.hasOwn(machine.transitions, from)) return [];
  return [...(machine.transitions[from] as readonly string[])];
}
