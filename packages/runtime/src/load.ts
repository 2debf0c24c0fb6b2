import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { catalog } from '@millrace/flow-nodes/catalog';
import {
  loadFlow,
  loadPack,
  loadProfile,
  MANIFEST_FILE,
  validateFlowPublishable,
  type Flow,
  type PlantProfile,
  type Problem,
} from '@millrace/flow-model';

export class LoadError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map((p) => `${p.file ?? ''}#${p.pointer}: ${p.message}`).join('\n'));
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export function readProfile(path: string): PlantProfile {
  if (!existsSync(path)) throw new LoadError([{ file: path, pointer: '', message: 'no such file' }]);
  const loaded = loadProfile(readFileSync(path, 'utf8'), { catalog });
  if (!loaded.ok) throw new LoadError(loaded.problems.map((p) => ({ ...p, file: path })));
  return loaded.value;
}

/**
 * Flows to serve from a flow file, a folder of `*.flow.json`, or a pack folder (pack.json at its
 * top: digests and every flow checked, all or nothing). Each flow is validated at publishable
 * level against the plant profile; any problem refuses the whole set.
 */
export function readFlows(path: string, profile: PlantProfile, profileFile: string): Flow[] {
  if (!existsSync(path)) throw new LoadError([{ file: path, pointer: '', message: 'no such file or folder' }]);
  const problems: Problem[] = [];
  const flows: Flow[] = [];
  const check = (flow: Flow, file: string) => {
    const found = validateFlowPublishable(flow, { catalog, profile, profileFile });
    problems.push(...found.map((p) => ({ ...p, file: p.file ?? file })));
    flows.push(flow);
  };
  if (statSync(path).isDirectory() && existsSync(join(path, MANIFEST_FILE))) {
    const files = new Map<string, Uint8Array>();
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const full = join(d, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.isFile()) files.set(relative(path, full).split(sep).join('/'), readFileSync(full));
      }
    };
    walk(path);
    const pack = loadPack(files, { catalog, sha256 });
    if (!pack.ok) throw new LoadError(pack.problems.map((p) => ({ ...p, file: join(path, p.file ?? '') })));
    for (const f of pack.value.flows) check(f.flow, join(path, f.path));
  } else {
    const files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => f.endsWith('.flow.json'))
          .sort()
          .map((f) => join(path, f))
      : [path];
    if (files.length === 0) throw new LoadError([{ file: path, pointer: '', message: 'holds no *.flow.json file' }]);
    for (const file of files) {
      const loaded = loadFlow(readFileSync(file, 'utf8'));
      if (!loaded.ok) problems.push(...loaded.problems.map((p) => ({ ...p, file })));
      else check(loaded.value, file);
    }
  }
  if (problems.length > 0) throw new LoadError(problems);
  const ids = new Set<string>();
  for (const f of flows) {
    if (ids.has(f.id)) throw new LoadError([{ file: path, pointer: '', message: `two flows have the id "${f.id}"` }]);
    ids.add(f.id);
  }
  return flows;
}
