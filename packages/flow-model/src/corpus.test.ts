// The invalid-document corpus: every fixture under fixtures/{flows,profiles,packs} describes
// one mistake and the exact problems (pointer and message) Millrace must report for it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import catalogJson from '@millrace/flow-nodes/catalog.json' with { type: 'json' };
import {
  loadFlow,
  loadPack,
  loadProfile,
  serializeFlow,
  serializePackManifest,
  serializeProfile,
  validateFlowPublishable,
  validateFlowStructure,
  type Catalog,
  type Flow,
  type PlantProfile,
  type Problem,
} from './index.ts';
import { applyPatch, type PatchOp } from './json-patch.test-helper.ts';

const catalog = catalogJson as unknown as Catalog;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const read = (path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));
const baseFlow = read('base/flow.json') as Flow;
const baseProfile = read('base/profile.json') as PlantProfile;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function fixtures<T>(dir: string): Array<[string, T]> {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f.replace(/\.json$/, ''), read(`${dir}/${f}`) as T]);
}

/** Problems as plain objects with only the fields a fixture states. */
const plain = (problems: readonly Problem[]) =>
  problems.map((p) => ({
    pointer: p.pointer,
    message: p.message,
    ...(p.nodeId ? { nodeId: p.nodeId } : {}),
    ...(p.file ? { file: p.file } : {}),
  }));

describe('the base documents the corpus mutates', () => {
  it('are valid, so each fixture shows exactly one kind of mistake', () => {
    expect(validateFlowPublishable(baseFlow, { catalog, profile: baseProfile })).toEqual([]);
    expect(loadProfile(baseProfile, { catalog })).toMatchObject({ ok: true });
  });
});

interface FlowFixture {
  description: string;
  level: 'structural' | 'publishable';
  patch?: PatchOp[];
  profilePatch?: PatchOp[];
  text?: string;
  expect: Problem[];
}

describe('invalid flows', () => {
  const all = fixtures<FlowFixture>('flows');
  it('hold at least 40 cases', () => expect(all.length).toBeGreaterThanOrEqual(40));
  for (const [name, fx] of all) {
    it(`reports ${name}: ${fx.description}`, () => {
      let problems: Problem[];
      if (fx.text !== undefined) {
        const loaded = loadFlow(fx.text);
        problems = loaded.ok ? [] : [...loaded.problems];
      } else {
        const flow = applyPatch(baseFlow, fx.patch ?? []);
        const loaded = loadFlow(flow);
        if (!loaded.ok) problems = [...loaded.problems];
        else if (fx.level === 'structural') problems = validateFlowStructure(flow);
        else {
          const profile = fx.profilePatch ? applyPatch(baseProfile, fx.profilePatch) : undefined;
          problems = validateFlowPublishable(flow, {
            catalog,
            ...(profile ? { profile, profileFile: 'profile.json' } : {}),
          });
        }
      }
      expect(plain(problems)).toEqual(fx.expect);
    });
  }
});

describe('invalid plant profiles', () => {
  const all = fixtures<{ description: string; patch: PatchOp[]; expect: Problem[] }>('profiles');
  it('hold at least 10 cases', () => expect(all.length).toBeGreaterThanOrEqual(10));
  for (const [name, fx] of all) {
    it(`reports ${name}: ${fx.description}`, () => {
      const loaded = loadProfile(serializeProfile(applyPatch(baseProfile, fx.patch)), { catalog });
      expect(loaded.ok).toBe(false);
      expect(plain(loaded.ok ? [] : loaded.problems)).toEqual(fx.expect);
    });
  }
});

interface PackFixture {
  description: string;
  expect: Problem[];
  flowPatch?: PatchOp[];
  profilePatch?: PatchOp[];
  flowPatchAfterSeal?: PatchOp[];
  manifestPatch?: PatchOp[];
  copyFlowAs?: string;
  copyProfileAs?: string;
  remove?: string[];
}

const FLOW_PATH = 'flows/batch-intake.flow.json';
const PROFILE_PATH = 'profiles/P100.json';

/** Builds the pack a fixture describes: base flow and profile, sealed with digests, then broken. */
export function buildPack(fx: Omit<PackFixture, 'description' | 'expect'>): Map<string, Uint8Array> {
  const enc = new TextEncoder();
  const flowText = serializeFlow(applyPatch(baseFlow, fx.flowPatch ?? []));
  const profileText = serializeProfile(applyPatch(baseProfile, fx.profilePatch ?? []));
  const files = new Map<string, Uint8Array>([
    [FLOW_PATH, enc.encode(flowText)],
    [PROFILE_PATH, enc.encode(profileText)],
    ['README.md', enc.encode('# Batch intake\n')],
  ]);
  if (fx.copyFlowAs) files.set(fx.copyFlowAs, enc.encode(flowText));
  if (fx.copyProfileAs) files.set(fx.copyProfileAs, enc.encode(profileText));
  const flows = [FLOW_PATH, ...(fx.copyFlowAs ? [fx.copyFlowAs] : [])];
  const profiles = [PROFILE_PATH, ...(fx.copyProfileAs ? [fx.copyProfileAs] : [])];
  let manifest: unknown = {
    schemaVersion: 1,
    name: 'batch-intake-pack',
    version: '1.0.0',
    flows,
    profiles,
    requires: {
      nodes: Object.fromEntries([...new Set(baseFlow.nodes.map((n) => n.type))].map((t) => [t, '^1'])),
      canonical: '^1',
    },
    sha256: Object.fromEntries([...flows, ...profiles].map((p) => [p, sha256(files.get(p)!)])),
  };
  if (fx.flowPatchAfterSeal)
    files.set(FLOW_PATH, enc.encode(serializeFlow(applyPatch(baseFlow, fx.flowPatchAfterSeal))));
  manifest = applyPatch(manifest, fx.manifestPatch ?? []);
  files.set('pack.json', enc.encode(serializePackManifest(manifest)));
  for (const path of fx.remove ?? []) files.delete(path);
  return files;
}

describe('invalid packs', () => {
  it('loads the sealed base pack', () => {
    const loaded = loadPack(buildPack({}), { catalog, sha256 });
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
    expect(loaded.ok && loaded.value.flows.map((f) => f.flow.id)).toEqual(['batch-intake']);
  });

  const all = fixtures<PackFixture>('packs');
  it('hold at least 15 cases', () => expect(all.length).toBeGreaterThanOrEqual(15));
  for (const [name, fx] of all) {
    it(`reports ${name}: ${fx.description}`, () => {
      const files = buildPack(fx);
      const loaded = loadPack(files, { catalog, sha256 });
      expect(loaded.ok).toBe(false);
      // Digests cannot be written into a fixture ahead of time; placeholders name them.
      const manifest = files.has('pack.json')
        ? (JSON.parse(new TextDecoder().decode(files.get('pack.json'))) as { sha256: Record<string, string> })
        : undefined;
      const expected = fx.expect.map((p) => ({
        ...p,
        message: p.message
          .replace(/\{digest:([^:}]+):(\d+)\}/g, (_, path: string, n: string) =>
            manifest!.sha256[path]!.slice(0, Number(n)),
          )
          .replace(/\{actual:([^:}]+):(\d+)\}/g, (_, path: string, n: string) =>
            sha256(files.get(path)!).slice(0, Number(n)),
          ),
      }));
      expect(plain(loaded.ok ? [] : loaded.problems)).toEqual(expected);
    });
  }
});
