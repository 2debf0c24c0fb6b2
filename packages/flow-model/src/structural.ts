import { check, joinPointer, sortProblems, type Checked, type Problem } from '@millrace/schema';
import { FLOW_SCHEMA_VERSION, type Flow } from './flow-schema.ts';
import { parseJsonText } from './json-text.ts';
import { migrateDocument, type Migration } from './migrate.ts';
import { withNodeIds } from './node-ids.ts';
import { flowValidator } from './validators.ts';

/**
 * Migrations of the flow format, keyed by the version they start from. Version 1 is the first
 * public format, so the table is empty; the hook exists so that format 2 can ship with one.
 */
export const FLOW_MIGRATIONS: Readonly<Record<number, Migration>> = {};

/**
 * Structural validation, run on every save: the document has the flow shape, ids are unique,
 * the layout only names nodes that exist. It does not need the node catalog.
 */
export function validateFlowStructure(doc: unknown): Problem[] {
  const problems = check(flowValidator(), doc);
  if (doc && typeof doc === 'object') problems.push(...uniqueIds(doc as Partial<Flow>));
  return sortProblems(withNodeIds(problems, doc));
}

function uniqueIds(flow: Partial<Flow>): Problem[] {
  const out: Problem[] = [];
  const nodeIds = new Map<string, number>();
  if (Array.isArray(flow.nodes)) {
    flow.nodes.forEach((n, i) => {
      const id = (n as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') return;
      const first = nodeIds.get(id);
      if (first !== undefined) {
        out.push({
          pointer: joinPointer('/nodes', i, 'id'),
          message: `"${id}" is already the id of node ${first}; node ids must be unique`,
        });
      } else nodeIds.set(id, i);
    });
  }
  const edgeIds = new Map<string, number>();
  if (Array.isArray(flow.edges)) {
    flow.edges.forEach((e, i) => {
      const id = (e as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') return;
      const first = edgeIds.get(id);
      if (first !== undefined) {
        out.push({
          pointer: joinPointer('/edges', i, 'id'),
          message: `"${id}" is already the id of edge ${first}; edge ids must be unique`,
        });
      } else edgeIds.set(id, i);
    });
  }
  if (flow.layout && typeof flow.layout === 'object' && Array.isArray(flow.nodes)) {
    for (const key of Object.keys(flow.layout)) {
      if (!nodeIds.has(key))
        out.push({ pointer: joinPointer('/layout', key), message: `places node "${key}", which is not in this flow` });
    }
  }
  return out;
}

/**
 * Loads a flow from JSON text or a parsed value: parse, migrate to the current format, check
 * the structure. Returns the flow or every problem found.
 */
export function loadFlow(input: string | unknown): Checked<Flow> {
  let doc: unknown = input;
  if (typeof input === 'string') {
    const parsed = parseJsonText(input);
    if (!parsed.ok) return parsed;
    doc = parsed.value;
  }
  const migrated = migrateDocument(doc, { kind: 'flow', current: FLOW_SCHEMA_VERSION, migrations: FLOW_MIGRATIONS });
  if (!migrated.ok) return migrated;
  const problems = validateFlowStructure(migrated.value);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: migrated.value as Flow };
}
