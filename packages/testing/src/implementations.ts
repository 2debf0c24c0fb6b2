import { loadImplementations, type Implementations } from '@millrace/flow-nodes/runtime';
import type { NodeDefinition, NodeSpec, TriggerDefinition } from '@millrace/node-sdk';

let loaded: Promise<Implementations> | undefined;

/** The real node and connection implementations under flow-nodes/, loaded once per test file. */
export function implementations(): Promise<Implementations> {
  return (loaded ??= loadImplementations());
}

type AnyNode = NodeDefinition | TriggerDefinition | NodeSpec;

const runnable = (def: AnyNode): def is NodeDefinition => typeof (def as Partial<NodeDefinition>).run === 'function';

/**
 * A node implementation by `type` (its newest version) or `type@version`, e.g. `'map'` or
 * `'route@1'`. Throws when there is none, or when the type has no per-message `run` (a trigger).
 */
export async function nodeImplementation(ref: string): Promise<NodeDefinition> {
  const { nodes } = await implementations();
  const at = ref.lastIndexOf('@');
  let def: AnyNode | undefined;
  if (at > 0) def = nodes.get(ref);
  else {
    for (const candidate of nodes.values())
      if (candidate.type === ref && (!def || candidate.version > def.version)) def = candidate;
  }
  if (!def) {
    const known = [...new Set([...nodes.values()].map((n) => n.type))].sort().join(', ');
    throw new Error(`no node implementation "${ref}" under flow-nodes/; known types: ${known}`);
  }
  if (!runnable(def))
    throw new Error(`node type ${def.type}@${def.version} has no run(): triggers are tested with runFlow`);
  return def;
}
