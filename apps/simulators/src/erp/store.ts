import type { Row } from './odata/edm.ts';

/**
 * The ERP's in-memory tables, one flat array per entity (as S/4 has tables, not documents), so a
 * snapshot for a rollback is one structuredClone and every entity set is a filter over an array.
 * Values are kept in the internal forms of odata/edm.ts (dates as epoch ms, decimals as strings).
 */
export interface Material {
  readonly Material: string;
  readonly MaterialName: string;
  readonly BaseUnit: string;
  /** FERT finished, ROH raw, VERP packaging. */
  readonly MaterialType: string;
  readonly BatchManaged: boolean;
  /** Plants where QM is active for goods receipts (inspection types 01/04): GR goes to QI with a lot. */
  readonly qmPlants: readonly string[];
}

export interface ErpState {
  readonly counters: {
    materialDocument: number;
    lots: Record<string, number>;
    qir: number;
    order: Record<string, number>;
  };
  /** The last change timestamp handed out: ETags must change even when the virtual clock stands still. */
  lastChange: number;
  readonly plants: string[];
  readonly storageLocations: string[];
  readonly materials: Material[];
  readonly orders: Row[];
  readonly orderItems: Row[];
  readonly orderOperations: Row[];
  readonly orderComponents: Row[];
  readonly inspectionLots: Row[];
  readonly inspectionCharacteristics: Row[];
  readonly inspectionResults: Row[];
  readonly usageDecisions: Row[];
  readonly materialDocuments: Row[];
  readonly materialDocumentItems: Row[];
  readonly stock: Row[];
  readonly batches: Row[];
  readonly qualityInfoRecords: Row[];
  readonly inspectionPlans: Row[];
  readonly planMaterialAssignments: Row[];
  readonly planOperations: Row[];
  readonly planCharacteristics: Row[];
}

export function emptyState(): ErpState {
  return {
    counters: { materialDocument: 4900000000, lots: {}, qir: 0, order: {} },
    lastChange: 0,
    plants: [],
    storageLocations: [],
    materials: [],
    orders: [],
    orderItems: [],
    orderOperations: [],
    orderComponents: [],
    inspectionLots: [],
    inspectionCharacteristics: [],
    inspectionResults: [],
    usageDecisions: [],
    materialDocuments: [],
    materialDocumentItems: [],
    stock: [],
    batches: [],
    qualityInfoRecords: [],
    inspectionPlans: [],
    planMaterialAssignments: [],
    planOperations: [],
    planCharacteristics: [],
  };
}

/** Replaces the contents of `target` with `source` (arrays and counters), keeping object identity. */
export function restoreState(target: ErpState, source: ErpState): void {
  for (const key of Object.keys(source) as Array<keyof ErpState>) {
    const value = source[key];
    if (Array.isArray(value)) (target[key] as unknown[]).splice(0, Infinity, ...(value as unknown[]));
  }
  Object.assign(target.counters, source.counters);
  target.lastChange = source.lastChange;
}

/** Quantities in thousandths: SAP quantities have three decimals, and floats must not drift. */
export function toMilli(text: unknown): number {
  const s = String(text ?? '0');
  const m = /^(-?)(\d+)(?:\.(\d{1,3})\d*)?$/.exec(s);
  if (!m) return NaN;
  const n = Number(m[2]) * 1000 + Number((m[3] ?? '').padEnd(3, '0'));
  return m[1] ? -n : n;
}

export function fromMilli(n: number): string {
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  return `${sign}${Math.floor(a / 1000)}.${String(a % 1000).padStart(3, '0')}`;
}

/** A positive quantity with at most three decimals, e.g. "480" or "12.5". */
export const QUANTITY = /^\d{1,10}(\.\d{1,3})?$/;

/** Order numbers have no leading zeros on the wire (conversion exit ALPHA). */
export function stripZeros(v: string): string {
  return /^\d+$/.test(v) ? v.replace(/^0+(?=\d)/, '') : v;
}

/** Inspection lot numbers are NUMC 12. */
export function padLot(v: string): string {
  return /^\d{1,12}$/.test(v) ? v.padStart(12, '0') : v;
}

export function materialOf(state: ErpState, material: string): Material | undefined {
  return state.materials.find((m) => m.Material === material);
}
