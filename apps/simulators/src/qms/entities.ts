import type { StatefulEntity } from '@millrace/canonical';

/**
 * What the simulator knows about each record kind: its collection path, the canonical state
 * machine it follows, how ids and event types are spelt, its natural key, which fields a list
 * may filter on and which a client may change.
 */

export type EntityName = 'inspection' | 'inspection_spec' | 'quality_event' | 'capa' | 'supplier_case' | 'release';

export interface EntityInfo {
  readonly name: EntityName;
  readonly collection: string;
  /** The key in store() output. */
  readonly storeKey: string;
  readonly machine: StatefulEntity;
  readonly what: string;
  readonly idPrefix: string;
  /** The fields a create may not repeat (409 DUPLICATE_NATURAL_KEY); empty values are no key. */
  readonly naturalKey: readonly string[];
  /** Copied into every webhook event's data. */
  readonly keyFields: readonly string[];
  /** Query parameters a list accepts as equality filters (arrays match when they contain the value). */
  readonly filters: readonly string[];
  /** Fields PATCH and action bodies may change. */
  readonly patchable: readonly string[];
}

const COMMON_FILTERS = ['state', 'number'];

export const ENTITIES: Readonly<Record<EntityName, EntityInfo>> = {
  inspection: {
    name: 'inspection',
    collection: 'inspections',
    storeKey: 'inspections',
    machine: 'InspectionLot',
    what: 'inspection',
    idPrefix: 'INS',
    naturalKey: ['lotId', 'origin'],
    keyFields: ['lotId', 'origin', 'materialId', 'productionOrderId', 'plantId'],
    filters: [...COMMON_FILTERS, 'lotId', 'origin', 'materialId', 'productionOrderId', 'plantId'],
    patchable: ['plantId', 'quantity', 'sampleQuantity', 'ownerId', 'erpInspectionLot', 'notes'],
  },
  inspection_spec: {
    name: 'inspection_spec',
    collection: 'inspection-specs',
    storeKey: 'inspectionSpecs',
    machine: 'InspectionSpecification',
    what: 'inspection spec',
    idPrefix: 'SPEC',
    naturalKey: [],
    keyFields: ['materialId', 'plantId', 'version'],
    filters: [...COMMON_FILTERS, 'materialId', 'plantId', 'version'],
    patchable: [],
  },
  quality_event: {
    name: 'quality_event',
    collection: 'quality-events',
    storeKey: 'qualityEvents',
    machine: 'QualityEvent',
    what: 'quality event',
    idPrefix: 'QE',
    naturalKey: ['externalId'],
    keyFields: ['externalId', 'kind', 'classification', 'affectedLots', 'affectedOrders'],
    filters: [
      ...COMMON_FILTERS,
      'externalId',
      'kind',
      'classification',
      'source',
      'affectedLots',
      'affectedOrders',
      'affectedMaterials',
      'equipmentId',
      'ownerId',
    ],
    patchable: [
      'title',
      'description',
      'classification',
      'ownerId',
      'dueAt',
      'containment',
      'disposition',
      'rootCause',
      'equipmentId',
      'affectedLots',
      'affectedOrders',
      'affectedMaterials',
      'impactAssessment',
    ],
  },
  capa: {
    name: 'capa',
    collection: 'capas',
    storeKey: 'capas',
    machine: 'CAPA',
    what: 'CAPA',
    idPrefix: 'CAPA',
    naturalKey: ['externalId'],
    keyFields: ['externalId', 'type', 'sourceEventIds'],
    filters: [...COMMON_FILTERS, 'externalId', 'type', 'sourceEventIds', 'ownerId'],
    patchable: ['ownerId', 'dueAt', 'rootCause', 'actions', 'effectivenessCheck', 'problemStatement'],
  },
  supplier_case: {
    name: 'supplier_case',
    collection: 'supplier-cases',
    storeKey: 'supplierCases',
    machine: 'SupplierQualityCase',
    what: 'supplier case',
    idPrefix: 'SC',
    naturalKey: ['externalId'],
    keyFields: ['externalId', 'supplierId', 'materialId', 'qualityEventId', 'stage'],
    filters: [...COMMON_FILTERS, 'externalId', 'supplierId', 'materialId', 'qualityEventId', 'severity'],
    patchable: ['ownerId', 'severity', 'procurementAction', 'description', 'supplierLots', 'purchaseOrderRefs'],
  },
  release: {
    name: 'release',
    collection: 'releases',
    storeKey: 'releases',
    machine: 'ReleaseRecord',
    what: 'release',
    idPrefix: 'REL',
    naturalKey: [],
    keyFields: ['lotId', 'productionOrderId', 'materialId', 'decision'],
    filters: [...COMMON_FILTERS, 'lotId', 'productionOrderId', 'materialId', 'decision'],
    patchable: [],
  },
};

export const ENTITY_NAMES = Object.keys(ENTITIES) as EntityName[];

/** `quality-events` or `quality_event` → the entity, for the audit trail's entityType. */
export function entityByName(name: string): EntityInfo | undefined {
  return Object.values(ENTITIES).find((e) => e.name === name || e.collection === name);
}
