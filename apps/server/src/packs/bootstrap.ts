import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Audit } from '../audit/index.ts';
import type { Deployments } from './deployments.ts';
import { planImport } from './plan.ts';
import type { InstalledStore } from './store.ts';

/** A pack folder's files as text, keyed by their path in the pack ("/"-separated). */
export function readPackFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(dir, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/**
 * What `npm start` and `--pack <dir> --plant <code>` do at start: import the pack (as the
 * system, audited; nothing when it is installed already) and deploy its flows to the plant.
 * The same checks as an import over the API: a pack that would be refused there stops the start.
 */
export function installAtStart(
  dir: string,
  plant: string,
  deps: {
    installed: InstalledStore;
    deployments: Deployments;
    audit: Audit;
    secretIsSet: (name: string) => boolean;
    now: () => number;
  },
): { pack: string; imported: boolean; deployed: string[] } {
  const files = readPackFiles(dir);
  const plan = planImport(files, deps.installed, deps.secretIsSet, [plant]);
  if (!plan.ok) throw new Error(`the pack in ${dir} cannot be imported: ${plan.detail}`);
  const imported =
    plan.flows.some((f) => f.change.change !== 'unchanged') ||
    plan.profiles.some((p) => p.change.change !== 'unchanged');
  if (imported)
    deps.installed.install(
      { pack: plan.pack, flows: plan.flows, profiles: plan.profiles, by: 'system', at: deps.now() },
      () =>
        deps.audit.append({
          actor: 'system',
          action: 'pack.import',
          target: { kind: 'pack', id: `${plan.pack.name}@${plan.pack.version}` },
          reason: `imported at start for plant ${plant}`,
          details: {
            flows: plan.flows.map((f) => `${f.change.flow}@${f.change.version}:${f.change.change}`),
            plants: [plant],
          },
        }),
    );
  const current = new Map(deps.deployments.of(plant).map((d) => [d.flowId, d.version]));
  const deployed: string[] = [];
  for (const { flow } of plan.flows) {
    if (current.get(flow.id) === flow.version) continue;
    deps.deployments.check(plant, flow.id, flow.version);
    deps.deployments.record(
      plant,
      flow.id,
      flow.version,
      'system',
      `deployed at start from ${plan.pack.name}@${plan.pack.version}`,
      deps.now(),
    );
    deployed.push(`${flow.id}@${flow.version}`);
  }
  return { pack: `${plan.pack.name}@${plan.pack.version}`, imported, deployed };
}
