import { getAtPointer, joinPointer, type Problem } from '@millrace/schema';
import { ERROR_PORT, type CatalogNodeType, type CatalogPort, type JsonSchema } from './catalog.ts';
import type { FlowNode } from './flow-schema.ts';

/** The output ports of one configured node: static ones, those its config names, `error`. */
export function outputPorts(node: FlowNode, type: CatalogNodeType): CatalogPort[] {
  const ports = [...type.outputs];
  const dyn = type.dynamicOutputs;
  if (dyn) {
    const items = getAtPointer(node.config, dyn.configPointer);
    if (Array.isArray(items)) {
      for (const item of items) {
        const id = (item as Record<string, unknown> | null)?.[dyn.portField];
        if (typeof id === 'string' && !ports.some((p) => p.id === id)) ports.push({ id, label: id });
      }
    }
  }
  if (type.errorPort) ports.push({ id: ERROR_PORT, label: 'Error' });
  return ports;
}

interface SyntaxCheckers {
  expressionSyntaxError(source: string): string | undefined;
  codeSyntaxError(source: string): string | undefined;
}

/**
 * Walks a config value alongside its schema and syntax-checks every field the schema marks as
 * an expression (`x-expression`) or as JavaScript code (`x-code: "javascript"`).
 */
export function walkCodeFields(
  schema: JsonSchema,
  value: unknown,
  pointer: string,
  checkers: SyntaxCheckers,
): Problem[] {
  const out: Problem[] = [];
  if (typeof value === 'string') {
    const error =
      schema['x-expression'] === true
        ? checkers.expressionSyntaxError(value)
        : schema['x-code'] === 'javascript'
          ? checkers.codeSyntaxError(value)
          : undefined;
    if (error) out.push({ pointer, message: error });
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === 'object') {
    value.forEach((v, i) =>
      out.push(...walkCodeFields(schema.items as JsonSchema, v, joinPointer(pointer, i), checkers)),
    );
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, JsonSchema>);
    for (const [key, v] of Object.entries(value)) {
      // Records (TypeBox Type.Record) put their value schema under patternProperties.
      const sub =
        props[key] ??
        patterns.find(([pattern]) => new RegExp(pattern, 'u').test(key))?.[1] ??
        (typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as JsonSchema) : undefined);
      if (sub) out.push(...walkCodeFields(sub, v, joinPointer(pointer, key), checkers));
    }
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    for (const branch of (schema[keyword] as JsonSchema[] | undefined) ?? [])
      out.push(...walkCodeFields(branch, value, pointer, checkers));
  }
  return out;
}
