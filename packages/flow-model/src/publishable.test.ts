import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import catalogJson from '@millrace/flow-nodes/catalog.json' with { type: 'json' };
import { validateFlowPublishable, type Catalog, type Flow, type PlantProfile } from './index.ts';

const catalog = catalogJson as unknown as Catalog;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'base');
const flow = JSON.parse(readFileSync(join(root, 'flow.json'), 'utf8')) as Flow;
const profile = JSON.parse(readFileSync(join(root, 'profile.json'), 'utf8')) as PlantProfile;

describe('publishable validation of what users write', () => {
  it('accepts a params schema that is legal JSON Schema though loose (required without properties)', () => {
    const loose: Flow = { ...flow, params: { type: 'object', required: ['plantCode'] } };
    expect(validateFlowPublishable(loose, { catalog, profile })).toEqual([]);
  });

  it('still checks the profile against such a schema', () => {
    const loose: Flow = { ...flow, params: { type: 'object', required: ['lineCode'] } };
    expect(validateFlowPublishable(loose, { catalog, profile, profileFile: 'p.json' })).toEqual([
      {
        file: 'p.json',
        pointer: '/params/lineCode',
        message: 'is required: flow "batch-intake" needs this param from plant P100',
      },
    ]);
  });

  it('accepts a dead letter that replays from a node upstream of it, and points at one that is not', () => {
    const withReplay = (replayFrom: string): Flow => ({
      ...flow,
      nodes: flow.nodes.map((n) => (n.id === 'failed' ? { ...n, config: { ...n.config, replayFrom } } : n)),
    });
    expect(validateFlowPublishable(withReplay('spec'), { catalog, profile })).toEqual([]);
    const failedAt = flow.nodes.findIndex((n) => n.id === 'failed');
    expect(validateFlowPublishable(withReplay('answer'), { catalog })).toEqual([
      {
        pointer: `/nodes/${failedAt}/config/replayFrom`,
        nodeId: 'failed',
        message: 'names node "answer", which has no path to node "failed"',
      },
    ]);
    expect(validateFlowPublishable(withReplay('ghost'), { catalog })[0]!.message).toBe(
      'names node "ghost", which is not in this flow',
    );
  });
});
