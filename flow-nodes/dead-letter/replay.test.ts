import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionBinding, Flow } from '@millrace/flow-model';
import { flowHarness, recordedHttp, type FlowHarness, type RecordedHttp } from '@millrace/testing';

/**
 * A read whose empty answer leads to a dead letter: once the data is fixed at the source, the
 * replay must make the read again (replayFrom), not re-decide on the stale answer it parked with.
 */
function flowWith(replayFrom: string | undefined): Flow {
  return {
    schemaVersion: 1,
    id: 'lookup',
    name: 'Lookup',
    version: '1.0.0',
    connections: { api: { type: 'http' } },
    nodes: [
      { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'in' } },
      { id: 'read', type: 'http.request', version: 1, connection: 'api', config: { method: 'GET', path: '/records' } },
      { id: 'found', type: 'route', version: 1, config: { routes: [{ port: 'yes', when: 'msg.payload.length > 0' }] } },
      {
        id: 'missing',
        type: 'dead-letter',
        version: 1,
        config: { reason: 'No record yet', code: 'NO_RECORD', ...(replayFrom ? { replayFrom } : {}) },
      },
      { id: 'use', type: 'map', version: 1, config: { source: 'return { first: msg.payload[0] };' } },
    ],
    edges: [
      { id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'read', port: 'in' } },
      { id: 'e2', from: { node: 'read', port: 'out' }, to: { node: 'found', port: 'in' } },
      { id: 'e3', from: { node: 'found', port: 'yes' }, to: { node: 'use', port: 'in' } },
      { id: 'e4', from: { node: 'found', port: 'default' }, to: { node: 'missing', port: 'in' } },
    ],
  } as Flow;
}

let api: RecordedHttp | undefined;
let harness: FlowHarness | undefined;
afterEach(async () => {
  await harness?.close();
  await api?.close();
});

async function parkThenReplay(replayFrom: string | undefined) {
  api = await recordedHttp([
    { request: { method: 'GET', path: '/records' }, response: { json: [] }, times: 1 },
    { request: { method: 'GET', path: '/records' }, response: { json: [{ id: 'R-1' }] }, times: 5 },
  ]);
  harness = await flowHarness(flowWith(replayFrom), {
    profile: {
      schemaVersion: 1,
      plant: 'P100',
      name: 'Test',
      connections: { api: { type: 'http', baseUrl: api.baseUrl, auth: { kind: 'none' } } as ConnectionBinding },
    },
  });
  const first = await harness.run({ input: { id: 'E-1' } });
  expect(first.trace.status).toBe('dead_lettered');
  const [letter] = await harness.store.listDeadLetters({ status: 'open' });
  const { runId } = await harness.engine.replay(letter!.id, { reason: 'record created in the source', by: 'test' });
  return { status: await harness.waitForEnd(runId), reads: api.requests.length };
}

describe('dead-letter replayFrom', () => {
  it('makes the read again on replay when replayFrom names it, and the run goes on', async () => {
    expect(await parkThenReplay('read')).toEqual({ status: 'succeeded', reads: 2 });
  });

  it('without it, re-decides on the answer it parked with and parks again', async () => {
    expect(await parkThenReplay(undefined)).toEqual({ status: 'dead_lettered', reads: 1 });
  });
});
