import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildCatalog, serializeCatalog, type ConnectionSpec, type NodeSpec } from '@millrace/node-sdk';
import type { Catalog } from '@millrace/flow-model';

/**
 * Finds every node and connection definition under flow-nodes/ by its folder, so there is no
 * hand-kept list to forget: `flow-nodes/<type>/definition.ts` and
 * `flow-nodes/connections/<type>/definition.ts`, each exporting `definition`.
 * Node-only (it reads the file system); the designer imports catalog.json instead.
 */
const ROOT = dirname(fileURLToPath(import.meta.url));
const NOT_NODES = new Set(['connections', 'shared', 'node_modules']);

async function importDefinition<T>(folder: string): Promise<T> {
  const file = join(folder, 'definition.ts');
  const mod = (await import(pathToFileURL(file).href)) as { definition?: T };
  if (!mod.definition) throw new Error(`${file} must export "definition"`);
  return mod.definition;
}

function folders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !NOT_NODES.has(d.name) && existsSync(join(dir, d.name, 'definition.ts')))
    .map((d) => join(dir, d.name))
    .sort();
}

export async function scanDefinitions(): Promise<{ nodes: NodeSpec[]; connections: ConnectionSpec[] }> {
  const nodes: NodeSpec[] = [];
  for (const folder of folders(ROOT)) {
    const def = await importDefinition<NodeSpec>(folder);
    const name = folder.slice(ROOT.length + 1);
    if (def.type !== name)
      throw new Error(
        `flow-nodes/${name}/definition.ts declares type "${def.type}"; the folder must be named after the type`,
      );
    nodes.push(def);
  }
  const connections: ConnectionSpec[] = [];
  for (const folder of folders(join(ROOT, 'connections')))
    connections.push(await importDefinition<ConnectionSpec>(folder));
  return { nodes, connections };
}

export async function generateCatalog(): Promise<Catalog> {
  const { nodes, connections } = await scanDefinitions();
  return buildCatalog(nodes, connections);
}

/** The generated files this package owns, for `npm run generate` and the freshness test. */
export async function generatedFiles(): Promise<Array<{ path: string; content: string }>> {
  return [{ path: 'flow-nodes/catalog.json', content: serializeCatalog(await generateCatalog()) }];
}
