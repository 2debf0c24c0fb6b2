import fc from 'fast-check';
import type { Flow } from './index.ts';

/** Random flows with the right shape (not necessarily publishable): ids unique, layout per node. */
const id = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
const json: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

export const flowArbitrary: fc.Arbitrary<Flow> = fc
  .record({
    id: fc.stringMatching(/^[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,5}){0,2}$/),
    name: fc.string({ minLength: 1, maxLength: 30 }),
    version: fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `${a}.${b}.${c}`),
    description: fc.option(fc.string(), { nil: undefined }),
    nodeIds: fc.uniqueArray(id, { minLength: 1, maxLength: 8 }),
    configs: fc.array(fc.dictionary(fc.stringMatching(/^[a-zA-Z]{1,8}$/), json, { maxKeys: 4 }), {
      minLength: 8,
      maxLength: 8,
    }),
    positions: fc.array(
      fc.record({ x: fc.integer({ min: -2000, max: 2000 }), y: fc.integer({ min: -2000, max: 2000 }) }),
      { minLength: 8, maxLength: 8 },
    ),
    edgePairs: fc.array(fc.tuple(fc.nat(7), fc.nat(7)), { maxLength: 10 }),
  })
  .map(({ id: flowId, name, version, description, nodeIds, configs, positions, edgePairs }) => {
    const nodes = nodeIds.map((nid, i) => ({
      id: nid,
      type: i === 0 ? 'trigger.webhook' : 'map',
      version: 1,
      config: configs[i]!,
    }));
    const seen = new Set<string>();
    const edges = edgePairs
      .map(([a, b]) => [nodeIds[a % nodeIds.length]!, nodeIds[b % nodeIds.length]!] as const)
      .filter(([a, b]) => {
        const k = `${a}>${b}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      })
      .map(([a, b], i) => ({ id: `e${i}`, from: { node: a, port: 'out' }, to: { node: b, port: 'in' } }));
    const layout = Object.fromEntries(nodeIds.map((nid, i) => [nid, positions[i]!]));
    const flow: Flow = { schemaVersion: 1, id: flowId, name, version, nodes, edges, layout };
    if (description !== undefined) flow.description = description;
    return flow;
  });

/** The same flow with its object keys in a random order: what another editor might write. */
export function shuffledKeys<T>(value: T, seed: number): T {
  let s = seed || 1;
  const rand = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v as Record<string, unknown>).sort(() => rand() - 0.5);
    return Object.fromEntries(entries.map(([k, x]) => [k, walk(x)]));
  };
  return walk(value) as T;
}
