import type { TSchema } from '@sinclair/typebox';

export const JSON_SCHEMA_2020 = 'https://json-schema.org/draft/2020-12/schema';

/**
 * A TypeBox schema as plain JSON Schema 2020-12: TypeBox's symbol keys dropped (JSON does that),
 * `$schema` and `$id` set at the top.
 */
export function toJsonSchema(schema: TSchema, id?: string): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  const { $id: _ignored, ...rest } = plain;
  return { $schema: JSON_SCHEMA_2020, ...(id ? { $id: id } : {}), ...rest };
}
