import { STATE_MACHINES } from '@millrace/canonical';
import { ENTITIES, type EntityName } from './entities.ts';
import { ApiError } from './errors.ts';

/**
 * `POST /{collection}/{id}/actions/{transition}` takes either a verb (triage, approve-plan,
 * close-effective …) or the target state's name itself (triaged, plan_approved …), in any of
 * kebab, snake or spaced case. The verbs are the words eQMS products put on their buttons.
 */

const VERBS: Partial<Record<EntityName, Record<string, string>>> = {
  inspection: {
    release: 'released',
    start: 'in_inspection',
    confirm_results: 'results_confirmed',
    reopen: 'in_inspection',
    skip: 'skipped',
    post_stock: 'stock_posted',
    close: 'closed',
    cancel: 'cancelled',
  },
  quality_event: {
    triage: 'triaged',
    investigate: 'under_investigation',
    start_investigation: 'under_investigation',
    assess: 'disposition_pending',
    request_disposition: 'disposition_pending',
    disposition: 'dispositioned',
    disposition_record: 'dispositioned',
    submit_for_approval: 'pending_approval',
    submit: 'pending_approval',
    approve: 'closed',
    close: 'closed',
    send_back: 'under_investigation',
    reopen: 'reopened',
    cancel: 'cancelled',
    void: 'cancelled',
  },
  capa: {
    approve_plan: 'plan_approved',
    implement: 'implementing',
    start_implementation: 'implementing',
    verify: 'effectiveness_check',
    check_effectiveness: 'effectiveness_check',
    close_effective: 'closed_effective',
    close_ineffective: 'closed_ineffective',
    cancel: 'cancelled',
  },
};

export function normalize(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The target state of an action name, or 400 listing the names this record kind understands. */
export function targetOf(entity: EntityName, action: string): string {
  const name = normalize(action);
  const verbs = VERBS[entity] ?? {};
  const states = STATE_MACHINES[ENTITIES[entity].machine].states as readonly string[];
  const target = verbs[name] ?? (states.includes(name) ? name : undefined);
  if (target) return target;
  throw new ApiError(400, 'UNKNOWN_TRANSITION', `${ENTITIES[entity].what}s have no action "${action}"`, {
    action,
    actions: [...Object.keys(verbs).map((v) => v.replace(/_/g, '-')), ...states.filter((s) => s !== states[0])],
  });
}
