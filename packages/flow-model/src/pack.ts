import semver from 'semver';
import { CANONICAL_SCHEMAS } from '@millrace/canonical';
import { check, joinPointer, sortProblems, type Checked, type Problem } from '@millrace/schema';
import { nodeTypeVersions, type Catalog } from './catalog.ts';
import type { Flow } from './flow-schema.ts';
import type { FlowTests } from './flow-tests-schema.ts';
import { loadFlowTests } from './flow-tests.ts';
import { parseJsonText } from './json-text.ts';
import { migrateDocument, type Migration } from './migrate.ts';
import { PACK_SCHEMA_VERSION, type PackManifest } from './pack-schema.ts';
import { loadProfile } from './profile.ts';
import type { PlantProfile } from './profile-schema.ts';
import { validateFlowPublishable } from './publishable.ts';
import { loadFlow } from './structural.ts';
import { packValidator } from './validators.ts';

export const PACK_MIGRATIONS: Readonly<Record<number, Migration>> = {};
export const MANIFEST_FILE = 'pack.json';

export interface PackOptions {
  readonly catalog: Catalog;
  /** SHA-256 of a file's bytes as 64 lowercase hex digits (node:crypto on the server, SubtleCrypto in a browser). */
  readonly sha256: (content: Uint8Array) => string;
}

export interface LoadedPack {
  readonly manifest: PackManifest;
  readonly flows: ReadonlyArray<{ readonly path: string; readonly flow: Flow }>;
  readonly profiles: ReadonlyArray<{ readonly path: string; readonly profile: PlantProfile }>;
  readonly tests: ReadonlyArray<{ readonly path: string; readonly tests: FlowTests }>;
}

const text = new TextDecoder('utf-8', { fatal: false });

/**
 * Validates a whole pack, given its files (path relative to the pack folder → bytes): the
 * manifest, every digest, every profile, and every flow at publishable level against every
 * profile. All or nothing: any problem means the pack is not loaded.
 */
export function loadPack(files: ReadonlyMap<string, Uint8Array>, options: PackOptions): Checked<LoadedPack> {
  const raw = files.get(MANIFEST_FILE);
  if (!raw)
    return fail([
      { file: MANIFEST_FILE, pointer: '', message: 'is missing; a pack is a folder with pack.json at its top' },
    ]);
  const parsed = parseJsonText(text.decode(raw));
  if (!parsed.ok) return fail(inFile(MANIFEST_FILE, parsed.problems));
  const migrated = migrateDocument(parsed.value, {
    kind: 'pack manifest',
    current: PACK_SCHEMA_VERSION,
    migrations: PACK_MIGRATIONS,
  });
  if (!migrated.ok) return fail(inFile(MANIFEST_FILE, migrated.problems));
  const shapeProblems = check(packValidator(), migrated.value);
  if (shapeProblems.length > 0) return fail(inFile(MANIFEST_FILE, shapeProblems));
  const manifest = migrated.value as PackManifest;

  const problems: Problem[] = [];
  const note = (pointer: string, message: string) => problems.push({ file: MANIFEST_FILE, pointer, message });

  // Digests: every listed file has one and it matches; no digest names a file that is not there.
  for (const kind of ['flows', 'profiles', 'tests'] as const) {
    (manifest[kind] ?? []).forEach((path, index) => {
      if (!files.has(path)) note(joinPointer('/' + kind, index), `names "${path}", which is not in the pack`);
      else if (manifest.sha256[path] === undefined)
        note(
          joinPointer('/sha256', path),
          'is required but missing: every flow, profile and test file needs its digest',
        );
    });
  }
  for (const [path, digest] of Object.entries(manifest.sha256)) {
    const content = files.get(path);
    if (!content) {
      note(joinPointer('/sha256', path), `is the digest of "${path}", which is not in the pack`);
      continue;
    }
    const actual = options.sha256(content);
    if (actual !== digest) {
      note(
        joinPointer('/sha256', path),
        `does not match the file: pack.json says ${digest.slice(0, 12)}…, the file's SHA-256 is ${actual.slice(0, 12)}…`,
      );
    }
  }

  problems.push(...checkRequires(manifest, options.catalog));

  const profiles: Array<{ path: string; profile: PlantProfile }> = [];
  const plants = new Map<string, string>();
  for (const path of manifest.profiles ?? []) {
    const content = files.get(path);
    if (!content) continue;
    const loaded = loadProfile(text.decode(content), { catalog: options.catalog });
    if (!loaded.ok) {
      problems.push(...inFile(path, loaded.problems));
      continue;
    }
    const other = plants.get(loaded.value.plant);
    if (other)
      problems.push({
        file: path,
        pointer: '/plant',
        message: `"${loaded.value.plant}" is also the plant of ${other}; one profile per plant`,
      });
    plants.set(loaded.value.plant, path);
    profiles.push({ path, profile: loaded.value });
  }

  const flows: Array<{ path: string; flow: Flow }> = [];
  const flowIds = new Map<string, string>();
  for (const path of manifest.flows) {
    const content = files.get(path);
    if (!content) continue;
    const loaded = loadFlow(text.decode(content));
    if (!loaded.ok) {
      problems.push(...inFile(path, loaded.problems));
      continue;
    }
    const flow = loaded.value;
    const other = flowIds.get(flow.id);
    if (other)
      problems.push({
        file: path,
        pointer: '/id',
        message: `"${flow.id}" is also the id of ${other}; flow ids must be unique in a pack`,
      });
    flowIds.set(flow.id, path);
    problems.push(...checkFlowAgainstRequires(flow, path, manifest));
    const checks =
      profiles.length === 0
        ? validateFlowPublishable(flow, { catalog: options.catalog })
        : profiles.flatMap((p) =>
            validateFlowPublishable(flow, { catalog: options.catalog, profile: p.profile, profileFile: p.path }),
          );
    problems.push(...checks.map((p) => (p.file ? p : { ...p, file: path })));
    flows.push({ path, flow });
  }

  const tests: Array<{ path: string; tests: FlowTests }> = [];
  for (const path of manifest.tests ?? []) {
    const content = files.get(path);
    if (!content) continue;
    const parsed = parseJsonText(text.decode(content));
    if (!parsed.ok) {
      problems.push(...inFile(path, parsed.problems));
      continue;
    }
    const id = (parsed.value as { flow?: unknown } | null)?.flow;
    const flow = flows.find((f) => f.flow.id === id)?.flow;
    if (typeof id === 'string' && !flow && !flowIds.has(id)) {
      problems.push({ file: path, pointer: '/flow', message: `"${id}" is not a flow of this pack` });
      continue;
    }
    const loaded = loadFlowTests(parsed.value, flow ? { flow } : {});
    if (!loaded.ok) problems.push(...inFile(path, loaded.problems));
    else tests.push({ path, tests: loaded.value });
  }

  if (problems.length > 0) return fail(problems);
  return { ok: true, value: { manifest, flows, profiles, tests } };
}

function checkRequires(manifest: PackManifest, catalog: Catalog): Problem[] {
  const out: Problem[] = [];
  for (const [type, range] of Object.entries(manifest.requires?.nodes ?? {})) {
    const at = joinPointer('/requires/nodes', type);
    if (!semver.validRange(range)) {
      out.push({ file: MANIFEST_FILE, pointer: at, message: `"${range}" is not a valid semver range such as ^1` });
      continue;
    }
    const versions = nodeTypeVersions(catalog, type);
    if (versions.length === 0)
      out.push({
        file: MANIFEST_FILE,
        pointer: at,
        message: `requires node type "${type}", which this Millrace does not have`,
      });
    else if (!versions.some((v) => semver.satisfies(`${v}.0.0`, range))) {
      out.push({
        file: MANIFEST_FILE,
        pointer: at,
        message: `requires "${type}" ${range}, but this Millrace has version${versions.length > 1 ? 's' : ''} ${versions.join(', ')}`,
      });
    }
  }
  const canonical = manifest.requires?.canonical;
  if (canonical !== undefined) {
    const majors = [...new Set(CANONICAL_SCHEMAS.map((s) => s.major))];
    if (!semver.validRange(canonical)) {
      out.push({
        file: MANIFEST_FILE,
        pointer: '/requires/canonical',
        message: `"${canonical}" is not a valid semver range such as ^1`,
      });
    } else if (!majors.some((m) => semver.satisfies(`${m}.0.0`, canonical))) {
      out.push({
        file: MANIFEST_FILE,
        pointer: '/requires/canonical',
        message: `requires canonical model ${canonical}, but this Millrace has ${majors.map((m) => `${m}.x`).join(', ')}`,
      });
    }
  }
  return out;
}

function checkFlowAgainstRequires(flow: Flow, path: string, manifest: PackManifest): Problem[] {
  const required = manifest.requires?.nodes;
  if (!required) return [];
  const out: Problem[] = [];
  flow.nodes.forEach((node, i) => {
    const range = required[node.type];
    if (range === undefined) {
      out.push({
        file: path,
        pointer: joinPointer('/nodes', i, 'type'),
        nodeId: node.id,
        message: `"${node.type}" is used, but pack.json does not list it under requires.nodes`,
      });
    } else if (semver.validRange(range) && !semver.satisfies(`${node.version}.0.0`, range)) {
      out.push({
        file: path,
        pointer: joinPointer('/nodes', i, 'version'),
        nodeId: node.id,
        message: `is ${node.version}, outside the range ${range} that pack.json requires for "${node.type}"`,
      });
    }
  });
  return out;
}

function inFile(file: string, problems: readonly Problem[]): Problem[] {
  return problems.map((p) => ({ ...p, file }));
}

function fail(problems: Problem[]): Checked<LoadedPack> {
  return { ok: false, problems: sortProblems(problems) };
}
