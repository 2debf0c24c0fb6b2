import { createHash } from 'node:crypto';
import { catalog } from '@millrace/flow-nodes/catalog';
import {
  diffFlows,
  isSecretRef,
  loadPack,
  MANIFEST_FILE,
  serializeFlow,
  serializeProfile,
  type Flow,
  type PlantProfile,
  type Problem,
} from '@millrace/flow-model';
import { digestOf, type InstalledStore } from './store.ts';

/**
 * An import decided before anything is written: the pack checked whole (digests, profiles, every
 * flow at publishable level), every secret it names present, no installed version changed under
 * its number — and the difference from what is installed, which a dry run shows as is.
 */
export type FlowChange =
  | { readonly flow: string; readonly version: string; readonly change: 'new' }
  | { readonly flow: string; readonly version: string; readonly change: 'unchanged' }
  | {
      readonly flow: string;
      readonly version: string;
      readonly change: 'new-version';
      readonly from: string;
      readonly diff: {
        nodesAdded: string[];
        nodesRemoved: string[];
        nodesChanged: string[];
        edgesAdded: number;
        edgesRemoved: number;
        settings: string[];
      };
    };

export interface PlantChange {
  readonly plant: string;
  readonly change: 'new' | 'changed' | 'unchanged';
  /** Top-level fields and connection slots that differ from the installed profile. */
  readonly fields?: string[];
}

export type ImportPlan =
  | {
      readonly ok: true;
      readonly pack: { name: string; version: string; manifestText: string; files: Readonly<Record<string, string>> };
      readonly flows: ReadonlyArray<{ flow: Flow; text: string; change: FlowChange }>;
      readonly profiles: ReadonlyArray<{ profile: PlantProfile; text: string; change: PlantChange }>;
    }
  | {
      readonly ok: false;
      readonly status: 409 | 422;
      readonly code: 'PACK_INVALID' | 'SECRETS_MISSING' | 'VERSION_CONFLICT' | 'PLANT_NOT_IN_PACK';
      readonly detail: string;
      readonly problems: readonly Problem[];
    };

const sha256 = (content: Uint8Array) => createHash('sha256').update(content).digest('hex');

export function planImport(
  files: Readonly<Record<string, string>>,
  installed: InstalledStore,
  secretIsSet: (name: string) => boolean,
  plants?: readonly string[],
): ImportPlan {
  const bytes = new Map(Object.entries(files).map(([path, text]) => [path, new TextEncoder().encode(text)]));
  const loaded = loadPack(bytes, { catalog, sha256 });
  if (!loaded.ok)
    return {
      ok: false,
      status: 422,
      code: 'PACK_INVALID',
      detail: `the pack is invalid: ${loaded.problems.length} problem(s), the first: ${loaded.problems[0]!.file ?? MANIFEST_FILE}#${loaded.problems[0]!.pointer}: ${loaded.problems[0]!.message}`,
      problems: loaded.problems,
    };
  const { manifest } = loaded.value;
  const wanted = loaded.value.profiles.filter((p) => !plants || plants.includes(p.profile.plant));
  const unknown = (plants ?? []).filter((code) => !loaded.value.profiles.some((p) => p.profile.plant === code));
  if (unknown.length > 0)
    return {
      ok: false,
      status: 422,
      code: 'PLANT_NOT_IN_PACK',
      detail: `the pack has no profile for ${unknown.join(', ')}`,
      problems: unknown.map((code) => ({ pointer: '/plants', message: `"${code}" is not a plant of this pack` })),
    };

  // Every secret the flows and the chosen plants name must be set: a deployment that cannot
  // open its connections is refused now, not at the first event.
  const missing: Problem[] = [];
  const scan = (value: unknown, file: string, pointer: string) => {
    if (isSecretRef(value)) {
      if (!secretIsSet(value.secret))
        missing.push({ file, pointer, message: `names the secret ${value.secret}, which is not set` });
    } else if (Array.isArray(value)) value.forEach((v, i) => scan(v, file, `${pointer}/${i}`));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value))
        scan(v, file, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  };
  for (const p of wanted) scan(p.profile, p.path, '');
  for (const f of loaded.value.flows) scan(f.flow, f.path, '');
  if (missing.length > 0)
    return {
      ok: false,
      status: 422,
      code: 'SECRETS_MISSING',
      detail: `set these secrets first (PUT /api/secrets/<name>): ${[...new Set(missing.map((m) => /secret (\S+),/.exec(m.message)![1]))].join(', ')}`,
      problems: missing,
    };

  const conflicts: Problem[] = [];
  const flows = loaded.value.flows.map(({ path, flow }) => {
    const text = serializeFlow(flow);
    const same = installed.flowVersion(flow.id, flow.version);
    if (same && same.digest !== digestOf(text))
      conflicts.push({
        file: path,
        pointer: '/version',
        message: `${flow.id} ${flow.version} is installed with other content; published versions never change: give this one a new version`,
      });
    const latest = installed.latest(flow.id);
    const change: FlowChange = same
      ? { flow: flow.id, version: flow.version, change: 'unchanged' }
      : latest
        ? {
            flow: flow.id,
            version: flow.version,
            change: 'new-version',
            from: latest.version,
            diff: summarize(diffFlows(latest.flow, flow)),
          }
        : { flow: flow.id, version: flow.version, change: 'new' };
    return { flow, text, change };
  });
  if (conflicts.length > 0)
    return {
      ok: false,
      status: 409,
      code: 'VERSION_CONFLICT',
      detail: conflicts.map((c) => c.message).join('; '),
      problems: conflicts,
    };

  const profiles = wanted.map(({ profile }) => {
    const text = serializeProfile(profile);
    const current = installed.plant(profile.plant);
    const change: PlantChange = !current
      ? { plant: profile.plant, change: 'new' }
      : current.digest === digestOf(text)
        ? { plant: profile.plant, change: 'unchanged' }
        : { plant: profile.plant, change: 'changed', fields: changedFields(current.profile, profile) };
    return { profile, text, change };
  });
  return {
    ok: true,
    pack: { name: manifest.name, version: manifest.version, manifestText: files[MANIFEST_FILE]!, files },
    flows,
    profiles,
  };
}

function summarize(d: ReturnType<typeof diffFlows>) {
  return {
    nodesAdded: [...d.nodes.added],
    nodesRemoved: [...d.nodes.removed],
    nodesChanged: d.nodes.changed.map((c) => c.id),
    edgesAdded: d.edges.added.length,
    edgesRemoved: d.edges.removed.length,
    settings: [...new Set(d.meta.map((m) => m.pointer.split('/')[1] ?? m.pointer))],
  };
}

function changedFields(a: PlantProfile, b: PlantProfile): string[] {
  const out: string[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof PlantProfile>) {
    if (key === 'connections') continue;
    if (!same(a[key], b[key])) out.push(key);
  }
  const ca = a.connections ?? {};
  const cb = b.connections ?? {};
  for (const slot of new Set([...Object.keys(ca), ...Object.keys(cb)]))
    if (!same(ca[slot], cb[slot])) out.push(`connections/${slot}`);
  return out;
}
