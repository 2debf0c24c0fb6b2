import { CapaSchema, InspectionLotSchema, QualityEventSchema } from '@millrace/canonical';

/**
 * Picklists of the canonical model, read from its schemas so a node's config offers exactly
 * what the canonical object accepts. Browser-safe: node definitions use them.
 */
function enumOf(schema: { properties: object }, field: string): readonly string[] {
  const values = (schema.properties as Record<string, { enum?: string[] }>)[field]?.enum;
  if (!values) throw new Error(`canonical schema has no enum at ${field}`);
  return values;
}

export const INSPECTION_ORIGINS = enumOf(InspectionLotSchema, 'origin');
export const QUALITY_EVENT_KINDS = enumOf(QualityEventSchema, 'kind');
export const QUALITY_EVENT_SOURCES = enumOf(QualityEventSchema, 'source');
export const SEVERITIES = enumOf(QualityEventSchema, 'classification');
export const DISPOSITIONS = enumOf(QualityEventSchema, 'disposition');
export const CAPA_TYPES = enumOf(CapaSchema, 'type');
