/**
 * The MES simulator's shapes: plant layout, process parameter specs, scenario options, the plan
 * (what a run will do, known before it runs) and the ground truth (what it did).
 */

/** Where a plant sits in the UNS tree: `<enterprise>/<site>/<area>/<line>/mes/…`. */
export interface PlantLayout {
  readonly site: string;
  readonly area: string;
  readonly lines: readonly string[];
}

export const DEFAULT_SITES: Readonly<Record<string, PlantLayout>> = {
  P100: { site: 'p100', area: 'bldg-a', lines: ['line-3', 'line-4'] },
  P200: { site: 'p200', area: 'bldg-b', lines: ['line-1'] },
};

/** A process parameter the MES records per batch; ids are the QMS simulator's characteristic ids. */
export interface ParameterSpec {
  readonly id: string;
  /** UN/CEFACT Rec 20 unit: CEL (°C), P1 (%). */
  readonly uom: string;
  readonly target: number;
  readonly lower?: number;
  readonly upper?: number;
  /** Digits after the decimal point in the published decimal string. */
  readonly decimals: number;
  readonly phase: string;
  readonly equipmentId: string;
  /**
   * Left out by default: flows map results as `characteristicId: p.tag ?? p.name` (the
   * batch-release pack), so a tag would hide the characteristic id the QMS knows.
   */
  readonly tag?: string;
  readonly critical?: boolean;
}

export const DEFAULT_PARAMETERS: readonly ParameterSpec[] = [
  {
    id: 'DRY-TEMP',
    uom: 'CEL',
    target: 60,
    lower: 55,
    upper: 65,
    decimals: 1,
    phase: 'DRYING',
    equipmentId: 'dryer-02',
    critical: true,
  },
  {
    id: 'MOISTURE',
    uom: 'P1',
    target: 1.2,
    upper: 2.0,
    decimals: 2,
    phase: 'DRYING',
    equipmentId: 'dryer-02',
    critical: true,
  },
  {
    id: 'ASSAY',
    uom: 'P1',
    target: 100,
    lower: 98.0,
    upper: 102.0,
    decimals: 1,
    phase: 'IPC',
    equipmentId: 'reactor-01',
    critical: true,
  },
];

export type MalformedKind = 'invalid-json' | 'missing-producedLot' | 'erpBatch-too-long';
export const MALFORMED_KINDS: readonly MalformedKind[] = ['invalid-json', 'missing-producedLot', 'erpBatch-too-long'];

export type BatchOutcome = 'good' | 'out-of-spec' | 'malformed';

export interface ScenarioOptions {
  /** Number of batches (one order, one produced lot each). Default 10, at most 5000. */
  readonly batches?: number;
  /** Batches per second. 0 (default): as fast as the broker acknowledges. */
  readonly ratePerSec?: number;
  /** 'virtual' (default): no real waiting, the virtual clock moves 1/rate s per batch; 'real': sleeps. */
  readonly pacing?: 'virtual' | 'real';
  /** Share of batches (0–1, rounded to a count) with exactly one parameter out of its limits. */
  readonly outOfSpecRate?: number;
  /** Share of batches whose batch-completed is published a second time (same id), later. */
  readonly duplicateRate?: number;
  /** Share of batches whose batch-completed is deliberately invalid. */
  readonly malformedRate?: number;
  /** Share of batches whose batch-completed is published before their last material-consumed. */
  readonly outOfOrderRate?: number;
  /** Share of batches held back and published in one burst at the end (store-and-forward). */
  readonly lateRate?: number;
  /** Device clock skew: every event time of the run is shifted by this many minutes. */
  readonly clockSkewMinutes?: number;
  /** Plants the batches are spread over, round robin. Default ['P100', 'P200']. */
  readonly plants?: readonly string[];
  /** Overrides of the default parameters by id, or new parameters (with uom, target and limits). */
  readonly parameters?: ReadonlyArray<Partial<ParameterSpec> & { readonly id: string }>;
  /** Which malformed forms to use, in turn. Default all three. */
  readonly malformedKinds?: readonly MalformedKind[];
  /** Raise a deviation-raised event for each out-of-spec batch. Default true. */
  readonly deviations?: boolean;
  /** Kill the Sparkplug edge node (NDEATH) during this batch (1-based) and rebirth it after. */
  readonly edgeDeathAtBatch?: number;
  /** Seed of this run; default derived from the simulator seed and the run number. */
  readonly seed?: number;
}

export interface Qty {
  readonly value: string;
  /** SAP unit (the plan is for seeding the ERP): KG. */
  readonly unit: string;
}

export interface PlannedComponent {
  readonly materialId: string;
  readonly lotId: string;
  readonly erpBatch: string;
  readonly quantity: Qty;
  readonly phase: string;
  readonly equipmentId: string;
}

export interface PlannedParameter {
  readonly id: string;
  readonly value: string;
  readonly inSpec: boolean;
}

export interface PlannedEventIds {
  readonly orderReceived: string;
  readonly batchStarted: string;
  readonly materialConsumed: readonly string[];
  readonly deviationRaised?: string;
  readonly batchCompleted: string;
}

export interface PlannedBatch {
  /** 1-based position in the run. */
  readonly index: number;
  readonly orderNumber: string;
  readonly orderType: string;
  readonly materialId: string;
  readonly plant: string;
  readonly site: string;
  readonly area: string;
  readonly line: string;
  /** `<enterprise>/<site>/<area>/<line>/mes` (with the topic prefix), the base of its UNS topics. */
  readonly topicBase: string;
  readonly batchId: string;
  readonly lotId: string;
  readonly erpBatch: string;
  readonly plannedQuantity: Qty;
  readonly quantity: Qty;
  readonly components: readonly PlannedComponent[];
  readonly parameters: readonly PlannedParameter[];
  readonly durationMinutes: number;
  readonly outcome: BatchOutcome;
  readonly outOfSpecParameter?: string;
  readonly malformedKind?: MalformedKind;
  readonly duplicated: boolean;
  readonly reordered: boolean;
  readonly late: boolean;
  readonly eventIds: PlannedEventIds;
}

export interface ScenarioPlan {
  readonly runId: string;
  readonly seed: number;
  readonly options: Required<Omit<ScenarioOptions, 'edgeDeathAtBatch' | 'seed' | 'parameters'>> & {
    readonly edgeDeathAtBatch?: number;
    readonly parameters: readonly ParameterSpec[];
  };
  readonly batches: readonly PlannedBatch[];
  /** The same facts flattened for seeding an ERP: one order and one produced lot per batch. */
  readonly orders: ReadonlyArray<{
    readonly orderNumber: string;
    readonly orderType: string;
    readonly materialId: string;
    readonly plant: string;
    readonly quantity: Qty;
  }>;
  readonly lots: ReadonlyArray<{
    readonly lotId: string;
    readonly erpBatch: string;
    readonly orderNumber: string;
    readonly materialId: string;
    readonly plant: string;
    readonly quantity: Qty;
  }>;
}

/** One message the simulator put on the broker (or meant to, when a fault dropped it). */
export interface PublishRecord {
  readonly topic: string;
  readonly eventId: string;
  readonly type: string;
  readonly at: string;
  /** A redelivery of an earlier publish: DUP flag set, same event id. */
  readonly dup: boolean;
  /** The fault-engine effect that applied, if any. */
  readonly fault?: string;
  /** False when a fault dropped it. */
  readonly published: boolean;
}

export interface LotTruth {
  readonly lotId: string;
  readonly erpBatch: string;
  readonly orderNumber: string;
  readonly batchId: string;
  readonly plant: string;
  readonly line: string;
  readonly outcome: BatchOutcome;
  readonly outOfSpecParameter?: string;
  readonly malformedKind?: MalformedKind;
  readonly duplicated: boolean;
  readonly reordered: boolean;
  readonly late: boolean;
  /** Fault-engine effects that hit this lot's events (drop, schema-drift, duplicate …). */
  readonly faults: readonly string[];
  readonly eventIds: PlannedEventIds;
  readonly publishes: readonly PublishRecord[];
}

export interface ScenarioResult {
  readonly runId: string;
  readonly seed: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly plan: ScenarioPlan;
  readonly lots: readonly LotTruth[];
  readonly counts: {
    readonly batches: number;
    readonly good: number;
    readonly outOfSpec: number;
    readonly malformed: number;
    readonly duplicated: number;
    readonly reordered: number;
    readonly late: number;
    readonly deviations: number;
    /** Messages on the broker (duplicates included, dropped ones not). */
    readonly published: number;
    readonly dropped: number;
  };
  readonly edgeDeath?: { readonly atBatch: number; readonly bdSeqBefore: number; readonly bdSeqAfter: number };
}
