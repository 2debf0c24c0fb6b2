import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Flow } from '@millrace/flow-model';
import { ConfigError, ValidationError } from '@millrace/node-sdk';
import { flowHarness, runFlow } from './flow-harness.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const ECHO = join(fixtures, 'echo.flow.json');
const PROFILE = join(fixtures, 'P100.profile.json');

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

describe('runFlow', () => {
  it('runs an event end to end on a real engine and returns the trace of the ended run', async () => {
    const trace = await runFlow(ECHO, { profile: PROFILE, input: { n: 4 } });
    expect(trace.status).toBe('succeeded');
    expect(trace.flow).toEqual({ id: 'echo', version: '1.0.0' });
    expect(trace.plant).toBe('P100');
    expect(trace.steps.map((s) => [s.node, s.type, s.status])).toEqual([
      ['which', 'route', 'done'],
      ['double', 'map', 'done'],
      ['answer', 'respond', 'done'],
    ]);
    const answer = trace.steps.find((s) => s.node === 'answer')!;
    expect(answer.input).toEqual({ n: 8, plant: 'P100' });
  });

  it('takes the other branch for another event, and the in-process sandbox does the same', async () => {
    const trace = await runFlow(ECHO, { profile: PROFILE, input: { n: 11 }, sandbox: 'in-process' });
    expect(trace.steps.map((s) => s.node)).toEqual(['which', 'tooBig']);
  });

  it('gives the reply of a sync webhook flow and removes its temporary folder on close', async () => {
    const h = await flowHarness(ECHO, { profile: PROFILE });
    try {
      const big = await h.run({ input: { n: 12 } });
      expect(big.reply).toEqual({ status: 422, bodyText: '{"error":"n is too big","n":12}' });
      expect(big.duplicate).toBe(false);
    } finally {
      await h.close();
    }
    expect(existsSync(h.dir)).toBe(false);
  });

  it('refuses a flow that would not publish, naming the pointer', async () => {
    const flow: Flow = {
      schemaVersion: 1,
      id: 'broken',
      name: 'Broken',
      version: '1.0.0',
      nodes: [
        { id: 'hook', type: 'trigger.webhook', version: 1, config: {} },
        { id: 'which', type: 'route', version: 1, config: { routes: [] } },
      ],
      edges: [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'which', port: 'in' } }],
    };
    const error = await failure(runFlow(flow, { input: {} }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('/nodes/1/config/routes');
  });

  it('refuses a flow whose connection slot is neither given nor bound by the profile', async () => {
    const error = await failure(runFlow(join(fixtures, 'inspection.flow.json'), { profile: PROFILE, input: {} }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('"qms"');
  });
});
