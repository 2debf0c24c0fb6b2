import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConnectionDefinition, NodeDefinition, NodeSpec, TriggerDefinition } from '@millrace/node-sdk';

/**
 * Loads the run-time side of every node and connection type: `flow-nodes/<type>/run.ts`
 * exporting `node`, `flow-nodes/connections/<type>/run.ts` exporting `connection`. Found by
 * folder like the catalog, so there is no list to keep. Node-only; never imported by the designer.
 *
 * A trigger without run code (trigger.webhook) is served by the runtime's HTTP ingress; its spec
 * is registered so flows using it compile.
 */
const ROOT = dirname(fileURLToPath(import.meta.url));
const SKIP = new Set(['connections', 'shared', 'node_modules']);

export interface Implementations {
  readonly nodes: Map<string, NodeDefinition | TriggerDefinition | NodeSpec>;
  readonly connections: Map<string, ConnectionDefinition>;
}

export async function loadImplementations(): Promise<Implementations> {
  const nodes = new Map<string, NodeDefinition | TriggerDefinition | NodeSpec>();
  for (const entry of readdirSync(ROOT, { withFileTypes: true })) {
    if (!entry.isDirectory() || SKIP.has(entry.name)) continue;
    const dir = join(ROOT, entry.name);
    if (existsSync(join(dir, 'run.ts'))) {
      const mod = (await import(pathToFileURL(join(dir, 'run.ts')).href)) as {
        node?: NodeDefinition;
        trigger?: TriggerDefinition;
      };
      const def = mod.node ?? mod.trigger;
      if (!def) throw new Error(`flow-nodes/${entry.name}/run.ts must export "node" (or "trigger" for a trigger)`);
      nodes.set(`${def.type}@${def.version}`, def);
    } else if (existsSync(join(dir, 'definition.ts'))) {
      const mod = (await import(pathToFileURL(join(dir, 'definition.ts')).href)) as { definition: NodeSpec };
      if (mod.definition.category === 'trigger')
        nodes.set(`${mod.definition.type}@${mod.definition.version}`, mod.definition);
    }
  }
  const connections = new Map<string, ConnectionDefinition>();
  const cdir = join(ROOT, 'connections');
  for (const entry of readdirSync(cdir, { withFileTypes: true })) {
    const file = join(cdir, entry.name, 'run.ts');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as { connection?: ConnectionDefinition };
    if (!mod.connection) throw new Error(`flow-nodes/connections/${entry.name}/run.ts must export "connection"`);
    connections.set(mod.connection.type, mod.connection);
  }
  return { nodes, connections };
}
