import { readFileSync } from 'node:fs';
import {
  loadFlow,
  loadProfile,
  validateFlowPublishable,
  type Catalog,
  type Flow,
  type PlantProfile,
  type Problem,
} from '@millrace/flow-model';
import { catalog } from '@millrace/flow-nodes/catalog';
import { catalogEntry, ValidationError, type NodeSpec } from '@millrace/node-sdk';

/** A plant for tests that need none: no params, no connections. */
export const TEST_PROFILE: PlantProfile = { schemaVersion: 1, plant: 'TEST', name: 'Test plant' };

const readText = (path: string) => readFileSync(path, 'utf8');

function refuse(code: string, what: string, problems: readonly Problem[]): never {
  const list = problems.map((p) => `${p.pointer === '' ? '/' : p.pointer}: ${p.message}`).join('; ');
  throw new ValidationError(code, `${what} is invalid: ${list}`, { details: { problems } });
}

/** The profile given as an object or a file path, checked like the runtime checks it. */
export function loadCheckedProfile(profile: PlantProfile | string | undefined): PlantProfile {
  if (profile === undefined) return TEST_PROFILE;
  const loaded = loadProfile(typeof profile === 'string' ? readText(profile) : profile, { catalog });
  if (!loaded.ok)
    refuse('PROFILE_INVALID', `the plant profile${typeof profile === 'string' ? ` ${profile}` : ''}`, loaded.problems);
  return loaded.value;
}

/**
 * The flow given as an object or a file path, migrated and (unless `validate` is false) checked
 * at publishable level against the node catalog, as deploying it would be. Nodes passed to the
 * harness that are not in the catalog yet are added to it for the check.
 */
export function loadCheckedFlow(flow: Flow | string, validate: boolean, extraNodes: readonly NodeSpec[]): Flow {
  const doc: unknown = typeof flow === 'string' ? JSON.parse(readText(flow)) : flow;
  if (!validate) return doc as Flow;
  const what = typeof flow === 'string' ? `the flow ${flow}` : `flow "${(flow as Partial<Flow>).id ?? '?'}"`;
  const loaded = loadFlow(doc);
  if (!loaded.ok) refuse('FLOW_INVALID', what, loaded.problems);
  const problems = validateFlowPublishable(loaded.value, { catalog: withNodes(catalog, extraNodes) });
  if (problems.length > 0) refuse('FLOW_INVALID', what, problems);
  return loaded.value;
}

function withNodes(base: Catalog, extra: readonly NodeSpec[]): Catalog {
  if (extra.length === 0) return base;
  const keys = new Set(extra.map((n) => `${n.type}@${n.version}`));
  return {
    ...base,
    nodes: [...base.nodes.filter((n) => !keys.has(`${n.type}@${n.version}`)), ...extra.map(catalogEntry)],
  };
}
