/**
 * The lifecycle of every canonical entity that has one (manufacturing.md, section (a)). The state
 * lists here are the only place states are spelt: the entity schemas build their `status` enums
 * from the same machines.
 */
import { defineMachine } from './state-machine.ts';

export const MaterialLifecycle = defineMachine({
  entity: 'Material',
  states: ['draft', 'active', 'blocked', 'obsolete'],
  initial: 'draft',
  transitions: {
    draft: ['active', 'obsolete'],
    active: ['blocked', 'obsolete'],
    blocked: ['active', 'obsolete'],
  },
});

export const ProductionOrderLifecycle = defineMachine({
  entity: 'ProductionOrder',
  states: [
    'created',
    'released',
    'in_execution',
    'partially_confirmed',
    'confirmed',
    'delivered',
    'technically_completed',
    'closed',
    'on_hold',
    'cancelled',
  ],
  initial: 'created',
  transitions: {
    created: ['released', 'cancelled'],
    // Confirmations may arrive without the MES ever reporting "in execution".
    released: ['in_execution', 'partially_confirmed', 'confirmed', 'on_hold', 'cancelled'],
    in_execution: ['partially_confirmed', 'confirmed', 'on_hold'],
    partially_confirmed: ['confirmed', 'on_hold'],
    // Technical completion without full delivery is everyday SAP practice.
    confirmed: ['delivered', 'technically_completed', 'on_hold'],
    delivered: ['technically_completed'],
    technically_completed: ['closed'],
    // A flat table cannot remember where the hold came from: the order returns to one of the
    // states it could have been held in, and the ERP's status says which.
    on_hold: ['released', 'in_execution', 'partially_confirmed', 'confirmed'],
  },
});

export const MaterialLotLifecycle = defineMachine({
  entity: 'MaterialLot',
  field: 'qualityStatus',
  states: ['pending', 'quarantine', 'released', 'on_hold', 'rejected', 'scrapped', 'returned_to_vendor', 'expired'],
  initial: 'pending',
  transitions: {
    // Straight to released only for materials without quality management (no inspection lot).
    pending: ['quarantine', 'released'],
    quarantine: ['released', 'rejected', 'on_hold'],
    released: ['on_hold'],
    on_hold: ['released', 'quarantine', 'rejected'],
    rejected: ['scrapped', 'returned_to_vendor'],
    expired: ['scrapped'],
  },
  // Shelf life ends for any lot that still physically exists.
  fromAny: [{ to: 'expired', except: ['scrapped', 'returned_to_vendor'] }],
});

export const StockPostingLifecycle = defineMachine({
  entity: 'StockPosting',
  states: ['requested', 'submitted', 'posted', 'failed', 'reversed'],
  initial: 'requested',
  transitions: {
    requested: ['submitted'],
    submitted: ['posted', 'failed'],
    failed: ['requested'],
    posted: ['reversed'],
  },
});

export const BatchCompletionLifecycle = defineMachine({
  entity: 'BatchCompletion',
  states: ['received', 'validated', 'invalid', 'enriched', 'dispatched', 'settled'],
  initial: 'received',
  transitions: {
    received: ['validated', 'invalid'],
    // A dead-lettered event replayed after a fix is received again.
    invalid: ['received'],
    validated: ['enriched'],
    enriched: ['dispatched'],
    dispatched: ['settled'],
  },
});

export const InspectionSpecificationLifecycle = defineMachine({
  entity: 'InspectionSpecification',
  states: ['draft', 'approved', 'effective', 'superseded', 'obsolete'],
  initial: 'draft',
  transitions: {
    draft: ['approved', 'obsolete'],
    approved: ['effective', 'obsolete'],
    effective: ['superseded', 'obsolete'],
    superseded: ['obsolete'],
  },
});

/** The usage decision's outcomes; also the InspectionLot states right after a decision. */
export const INSPECTION_DECISIONS = ['accepted', 'rejected', 'conditionally_accepted'] as const;

export const InspectionLotLifecycle = defineMachine({
  entity: 'InspectionLot',
  states: [
    'created',
    'released',
    'in_inspection',
    'results_recorded',
    'results_confirmed',
    ...INSPECTION_DECISIONS,
    'stock_posted',
    'closed',
    'skipped',
    'cancelled',
  ],
  initial: 'created',
  transitions: {
    // A QMS has no separate release to inspection; it starts inspecting at once.
    created: ['released', 'in_inspection', 'skipped', 'cancelled'],
    released: ['in_inspection', 'skipped', 'cancelled'],
    in_inspection: ['results_recorded', 'cancelled'],
    results_recorded: ['in_inspection', 'results_confirmed', ...INSPECTION_DECISIONS],
    results_confirmed: [...INSPECTION_DECISIONS],
    // In-process inspections have no stock to post.
    accepted: ['stock_posted', 'closed'],
    rejected: ['stock_posted', 'closed'],
    conditionally_accepted: ['stock_posted', 'closed'],
    skipped: ['stock_posted', 'closed'],
    stock_posted: ['closed'],
  },
});

/**
 * A correction never edits a result: it is a new result (with `supersedesId` and a reason) and
 * the old one moves to `superseded`, so the earlier value stays readable (21 CFR 11.10(e)).
 */
export const InspectionResultLifecycle = defineMachine({
  entity: 'InspectionResult',
  states: ['recorded', 'confirmed', 'superseded'],
  initial: 'recorded',
  transitions: { recorded: ['confirmed', 'superseded'], confirmed: ['superseded'] },
});

export const QualityEventLifecycle = defineMachine({
  entity: 'QualityEvent',
  states: [
    'opened',
    'triaged',
    'under_investigation',
    'disposition_pending',
    'dispositioned',
    'pending_approval',
    'closed',
    'reopened',
    'cancelled',
  ],
  initial: 'opened',
  transitions: {
    opened: ['triaged'],
    // A minor event may need no investigation.
    triaged: ['under_investigation', 'disposition_pending'],
    under_investigation: ['disposition_pending'],
    disposition_pending: ['dispositioned'],
    dispositioned: ['pending_approval'],
    // The approver may send it back instead of signing.
    pending_approval: ['closed', 'under_investigation'],
    closed: ['reopened'],
    reopened: ['triaged', 'under_investigation'],
  },
  // Voiding needs a reason (the schema requires `statusReason`); a closed event is reopened first.
  fromAny: [{ to: 'cancelled', except: ['closed'] }],
});

export const CapaLifecycle = defineMachine({
  entity: 'CAPA',
  states: [
    'initiated',
    'plan_approved',
    'implementing',
    'effectiveness_check',
    'closed_effective',
    'closed_ineffective',
    'cancelled',
  ],
  initial: 'initiated',
  transitions: {
    initiated: ['plan_approved'],
    plan_approved: ['implementing'],
    implementing: ['effectiveness_check'],
    // closed_ineffective is final for this CAPA; a new one (successorCapaId) takes over.
    effectiveness_check: ['closed_effective', 'closed_ineffective'],
  },
  fromAny: [{ to: 'cancelled', except: ['closed_effective', 'closed_ineffective'] }],
});

export const SupplierQualityCaseLifecycle = defineMachine({
  entity: 'SupplierQualityCase',
  states: [
    'draft',
    'issued',
    'acknowledged',
    'containment_accepted',
    'root_cause_accepted',
    'corrective_action_verified',
    'closed',
    'escalated',
    'cancelled',
  ],
  initial: 'draft',
  // A rejected stage response leaves the case where it is: no transition is needed for it.
  transitions: {
    draft: ['issued'],
    issued: ['acknowledged'],
    acknowledged: ['containment_accepted'],
    containment_accepted: ['root_cause_accepted'],
    root_cause_accepted: ['corrective_action_verified'],
    corrective_action_verified: ['closed'],
    // Escalation is a detour: the case resumes at the stage it had reached, or is closed.
    escalated: [
      'issued',
      'acknowledged',
      'containment_accepted',
      'root_cause_accepted',
      'corrective_action_verified',
      'closed',
    ],
  },
  fromAny: [
    // A draft has not reached the supplier yet, so there is nothing to escalate.
    { to: 'escalated', except: ['draft', 'closed', 'cancelled'] },
    { to: 'cancelled', except: ['closed'] },
  ],
});

export const ReleaseRecordLifecycle = defineMachine({
  entity: 'ReleaseRecord',
  states: ['pending', 'under_review', 'released', 'rejected', 'conditionally_released', 'revoked'],
  initial: 'pending',
  transitions: {
    pending: ['under_review'],
    under_review: ['released', 'rejected', 'conditionally_released'],
    conditionally_released: ['released', 'revoked'],
    // A revoked release is followed by a new record that supersedes it (recall, late deviation).
    released: ['revoked'],
  },
});

/** Every lifecycle, keyed by entity name. */
export const STATE_MACHINES = {
  Material: MaterialLifecycle,
  ProductionOrder: ProductionOrderLifecycle,
  MaterialLot: MaterialLotLifecycle,
  StockPosting: StockPostingLifecycle,
  BatchCompletion: BatchCompletionLifecycle,
  InspectionSpecification: InspectionSpecificationLifecycle,
  InspectionLot: InspectionLotLifecycle,
  InspectionResult: InspectionResultLifecycle,
  QualityEvent: QualityEventLifecycle,
  CAPA: CapaLifecycle,
  SupplierQualityCase: SupplierQualityCaseLifecycle,
  ReleaseRecord: ReleaseRecordLifecycle,
} as const;

export type StatefulEntity = keyof typeof STATE_MACHINES;
/** The states of one entity, e.g. `StateOf<'CAPA'>`. */
export type StateOf<E extends StatefulEntity> = (typeof STATE_MACHINES)[E]['states'][number];
