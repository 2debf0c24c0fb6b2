import { CapaSchema, InspectionLotSchema, QualityEventSchema } from '@millrace/canonical';

/**
 * Picklists of the generic eQMS API, read from the canonical schemas (the package exports the
 * lists only inside them), so the simulator accepts exactly what the canonical model does.
 */
function enumOf(schema: { properties: Record<string, unknown> }, field: string): readonly string[] {
  const values = (schema.properties[field] as { enum?: unknown } | undefined)?.enum;
  if (!Array.isArray(values)) throw new Error(`canonical schema has no enum for ${field}`);
  return values as string[];
}

export const INSPECTION_ORIGINS = enumOf(InspectionLotSchema, 'origin');
export const QUALITY_EVENT_KINDS = enumOf(QualityEventSchema, 'kind');
export const SEVERITIES = enumOf(QualityEventSchema, 'classification');
export const SOURCES = enumOf(QualityEventSchema, 'source');
export const DISPOSITIONS = enumOf(QualityEventSchema, 'disposition');
export const CAPA_TYPES = enumOf(CapaSchema, 'type');
