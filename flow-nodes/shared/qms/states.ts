import { STATE_MACHINES } from '@millrace/canonical';

/**
 * QMS lifecycle states → canonical statuses. Tenants configure their own state names, so the
 * raw value is always kept as `sourceStatus` and the mapping is by table: the canonical names
 * themselves (in any case, with spaces or dashes), plus the names eQMS products commonly use
 * (manufacturing.md §3.2). A state the table does not know maps to the lifecycle's initial
 * state: a record this node just created is there in all but name, and the raw state stays
 * readable next to it.
 */

type Entity = 'InspectionLot' | 'QualityEvent' | 'CAPA';

const ALIASES: Record<Entity, Record<string, string>> = {
  InspectionLot: {
    new: 'created',
    open: 'created',
    planned: 'created',
    released_to_inspection: 'released',
    in_progress: 'in_inspection',
    inspecting: 'in_inspection',
    results_complete: 'results_recorded',
    results_completed: 'results_recorded',
    results_entered: 'results_recorded',
    accept: 'accepted',
    reject: 'rejected',
    conditional: 'conditionally_accepted',
    conditional_accept: 'conditionally_accepted',
    accepted_with_conditions: 'conditionally_accepted',
    canceled: 'cancelled',
  },
  QualityEvent: {
    new: 'opened',
    open: 'opened',
    initiated: 'opened',
    draft: 'opened',
    triage: 'triaged',
    qa_triage: 'triaged',
    investigation: 'under_investigation',
    in_investigation: 'under_investigation',
    investigating: 'under_investigation',
    impact_assessment: 'disposition_pending',
    disposition: 'disposition_pending',
    approval: 'pending_approval',
    qa_approval: 'pending_approval',
    canceled: 'cancelled',
    void: 'cancelled',
    voided: 'cancelled',
  },
  CAPA: {
    new: 'initiated',
    open: 'initiated',
    draft: 'initiated',
    plan_approval: 'initiated',
    implementation: 'implementing',
    in_implementation: 'implementing',
    effectiveness_verification: 'effectiveness_check',
    verification: 'effectiveness_check',
    // No "closed": whether a closed CAPA was effective is the point of the record, not a guess.
    canceled: 'cancelled',
  },
};

/** "In Progress", "IN-PROGRESS", "in_progress" → "in_progress". */
export function normalizeName(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function canonicalStatus(entity: Entity, raw: unknown): { status: string; known: boolean } {
  const machine = STATE_MACHINES[entity];
  const states = machine.states as readonly string[];
  if (typeof raw !== 'string' || raw.trim() === '') return { status: machine.initial, known: false };
  const name = normalizeName(raw);
  if (states.includes(name)) return { status: name, known: true };
  const alias = ALIASES[entity][name];
  return alias ? { status: alias, known: true } : { status: machine.initial, known: false };
}

/** A picklist value in the canonical spelling when it is one of `allowed` (kind, type, source…). */
export function canonicalChoice<T extends string>(
  raw: unknown,
  allowed: readonly T[],
  aliases: Record<string, T> = {},
): T | undefined {
  if (typeof raw !== 'string') return undefined;
  const name = normalizeName(raw);
  if ((allowed as readonly string[]).includes(name)) return name as T;
  return aliases[name];
}
