/** The canonical event types (CloudEvents `type`) and the schema of each one's `data`. */
import type { InspectionLot } from '../entities/inspection.ts';
import type { StockPosting } from '../entities/inventory.ts';
import type { BatchCompletion } from '../entities/production.ts';
import type { QualityEvent } from '../entities/quality.ts';
import type { ReleaseRecord } from '../entities/release.ts';
import type { CloudEvent } from './envelope.ts';
import type {
  CapaChanged,
  InspectionDecision,
  IntegrationException,
  LotStatusChanged,
  MaterialConsumption,
  ProductionOrderChanged,
  QualityEventChanged,
  SupplierQualityCaseChanged,
} from './payloads.ts';

export interface CanonicalEventTypeEntry {
  readonly type: string;
  /** The canonical schema `data` must satisfy. */
  readonly dataRef: string;
  readonly description: string;
}

export const CANONICAL_EVENT_TYPES = [
  {
    type: 'mes.batch.completed.v1',
    dataRef: 'canonical:BatchCompletion@1',
    description: 'The MES finished a batch; data is the BatchCompletion, its id the MES event id.',
  },
  {
    type: 'mes.material.consumed.v1',
    dataRef: 'canonical:MaterialConsumption@1',
    description: 'The MES consumed a quantity of a lot for an order.',
  },
  {
    type: 'mes.deviation.raised.v1',
    dataRef: 'canonical:QualityEvent@1',
    description: 'The MES raised a deviation during a batch; data is the new QualityEvent (kind "deviation").',
  },
  {
    type: 'erp.productionorder.changed.v1',
    dataRef: 'canonical:ProductionOrderChanged@1',
    description: 'A production order changed in the ERP.',
  },
  {
    type: 'erp.inspectionlot.created.v1',
    dataRef: 'canonical:InspectionLot@1',
    description: 'The ERP created an inspection lot (e.g. at goods receipt from production).',
  },
  {
    type: 'erp.stock.posted.v1',
    dataRef: 'canonical:StockPosting@1',
    description: 'A stock posting was made in the ERP.',
  },
  {
    type: 'qms.inspection.decided.v1',
    dataRef: 'canonical:InspectionDecision@1',
    description: 'The QMS decided an inspection (accept, reject, conditional), with the signature.',
  },
  {
    type: 'qms.qualityevent.changed.v1',
    dataRef: 'canonical:QualityEventChanged@1',
    description: 'A quality event changed in the QMS.',
  },
  {
    type: 'qms.capa.changed.v1',
    dataRef: 'canonical:CapaChanged@1',
    description: 'A CAPA changed in the QMS.',
  },
  {
    type: 'qms.supplierquality.changed.v1',
    dataRef: 'canonical:SupplierQualityCaseChanged@1',
    description: 'A supplier quality case changed in the QMS.',
  },
  {
    type: 'quality.lot.status.changed.v1',
    dataRef: 'canonical:LotStatusChanged@1',
    description: "A lot's quality status changed.",
  },
  {
    type: 'quality.release.decided.v1',
    dataRef: 'canonical:ReleaseRecord@1',
    description: 'A lot was released, rejected or conditionally released; data is the signed ReleaseRecord.',
  },
  {
    type: 'integration.exception.raised.v1',
    dataRef: 'canonical:IntegrationException@1',
    description: 'A flow run failed in a way that needs a person.',
  },
] as const satisfies readonly CanonicalEventTypeEntry[];

/** The TypeScript type of each canonical event type's data. */
export interface CanonicalEventData {
  'mes.batch.completed.v1': BatchCompletion;
  'mes.material.consumed.v1': MaterialConsumption;
  'mes.deviation.raised.v1': QualityEvent;
  'erp.productionorder.changed.v1': ProductionOrderChanged;
  'erp.inspectionlot.created.v1': InspectionLot;
  'erp.stock.posted.v1': StockPosting;
  'qms.inspection.decided.v1': InspectionDecision;
  'qms.qualityevent.changed.v1': QualityEventChanged;
  'qms.capa.changed.v1': CapaChanged;
  'qms.supplierquality.changed.v1': SupplierQualityCaseChanged;
  'quality.lot.status.changed.v1': LotStatusChanged;
  'quality.release.decided.v1': ReleaseRecord;
  'integration.exception.raised.v1': IntegrationException;
}

export type CanonicalEventType = (typeof CANONICAL_EVENT_TYPES)[number]['type'];

/** A canonical event with typed data; a union over all types when T is left open. */
export type CanonicalEvent<T extends CanonicalEventType = CanonicalEventType> = T extends CanonicalEventType
  ? Omit<CloudEvent, 'type' | 'data'> & { type: T; data: CanonicalEventData[T] }
  : never;

export function resolveEventType(type: string): CanonicalEventTypeEntry | undefined {
  return CANONICAL_EVENT_TYPES.find((e) => e.type === type);
}

export function isCanonicalEventType(type: string): type is CanonicalEventType {
  return resolveEventType(type) !== undefined;
}

// Compile-time guard: the type list and the data map name the same event types.
type SameKeys = [CanonicalEventType] extends [keyof CanonicalEventData]
  ? [keyof CanonicalEventData] extends [CanonicalEventType]
    ? true
    : false
  : false;
const _sameKeys: SameKeys = true;
