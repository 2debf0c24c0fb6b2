// The public API of @millrace/canonical. Everything else in src/ is internal.

// Building blocks
export {
  QuantitySchema,
  ExternalRefSchema,
  VersionedRefSchema,
  ElectronicSignatureSchema,
  Timestamp as TimestampSchema,
  Decimal as DecimalSchema,
  UomCode as UomCodeSchema,
  Ref as RefSchema,
  Uuid as UuidSchema,
} from './building-blocks.ts';
export type { Quantity, ExternalRef, VersionedRef, ElectronicSignature } from './building-blocks.ts';

// Entities
export { MaterialSchema, EquipmentSchema, PersonSchema } from './entities/master-data.ts';
export type { Material, Equipment, Person } from './entities/master-data.ts';
export { ProductionOrderSchema, BatchCompletionSchema, ConsumptionLineSchema } from './entities/production.ts';
export type { ProductionOrder, BatchCompletion, ConsumptionLine } from './entities/production.ts';
export { MaterialLotSchema, StockPostingSchema, STOCK_TYPES, MOVEMENT_KINDS } from './entities/inventory.ts';
export type { MaterialLot, StockPosting } from './entities/inventory.ts';
export {
  InspectionSpecificationSchema,
  InspectionLotSchema,
  InspectionResultSchema,
  UsageDecisionSchema,
} from './entities/inspection.ts';
export type { InspectionSpecification, InspectionLot, InspectionResult, UsageDecision } from './entities/inspection.ts';
export { QualityEventSchema, CapaSchema, SupplierQualityCaseSchema } from './entities/quality.ts';
export type { QualityEvent, Capa, Capa as CAPA, SupplierQualityCase } from './entities/quality.ts';
export { ReleaseRecordSchema } from './entities/release.ts';
export type { ReleaseRecord } from './entities/release.ts';
export { AuditRecordSchema, IdMappingSchema } from './entities/records.ts';
export type { AuditRecord, IdMapping } from './entities/records.ts';

// Lifecycles
export { STATE_MACHINES } from './lifecycles.ts';
export type { StatefulEntity, StateOf } from './lifecycles.ts';
export type { StateMachine } from './state-machine.ts';
export { canTransition, allowedNext } from './transitions.ts';

// Events
export { CloudEventSchema } from './events/envelope.ts';
export type { CloudEvent } from './events/envelope.ts';
export {
  MaterialConsumptionSchema,
  ProductionOrderChangedSchema,
  InspectionDecisionSchema,
  QualityEventChangedSchema,
  CapaChangedSchema,
  SupplierQualityCaseChangedSchema,
  LotStatusChangedSchema,
  IntegrationExceptionSchema,
} from './events/payloads.ts';
export type {
  MaterialConsumption,
  ProductionOrderChanged,
  InspectionDecision,
  QualityEventChanged,
  CapaChanged,
  SupplierQualityCaseChanged,
  LotStatusChanged,
  IntegrationException,
} from './events/payloads.ts';
export { CANONICAL_EVENT_TYPES, resolveEventType, isCanonicalEventType } from './events/event-types.ts';
export type {
  CanonicalEventTypeEntry,
  CanonicalEventType,
  CanonicalEventData,
  CanonicalEvent,
} from './events/event-types.ts';
export { validateEvent } from './events/validate-event.ts';

// Registry and validation
export {
  CANONICAL_SCHEMAS,
  CANONICAL_SCHEMA_BASE_URL,
  canonicalSchemaId,
  parseCanonicalRef,
  resolveCanonicalRef,
  isCanonicalRef,
} from './registry.ts';
export type { CanonicalSchemaEntry, CanonicalSchemaKind } from './registry.ts';
export { validateCanonical } from './validate.ts';
export { checkSchemaChoice } from './schema-choice.ts';
export { generatedFiles } from './generated.ts';
