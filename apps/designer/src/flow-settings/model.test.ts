import { describe, expect, it } from 'vitest';
import type { Flow } from '@millrace/flow-model';
import { freeName, isHeaderPointer, renameKey, renameSlot, setAt, slotUsage, undeclaredSlots } from './model.ts';

const FLOW: Flow = {
  schemaVersion: 1,
  id: 'f',
  name: 'F',
  version: '0.1.0',
  connections: { erp: { type: 'sap-odata-v2' }, qms: { type: 'qms-rest' } },
  settings: { businessKeys: { lot: 'msg.payload.lot' } },
  nodes: [
    { id: 'a', type: 'erp.get-order', version: 1, connection: 'erp', config: {} },
    { id: 'b', type: 'mes.send-hold', version: 1, connection: 'mesApi', config: {} },
    { id: 'c', type: 'erp.set-stock-status', version: 1, connection: 'erp', config: {} },
  ],
  edges: [],
};

describe('flow header edits', () => {
  it('sets a nested setting, and removes it with the parents it leaves empty', () => {
    const set = setAt(FLOW, ['settings', 'retry', 'maxAttempts'], 12);
    expect(set.settings).toEqual({ businessKeys: { lot: 'msg.payload.lot' }, retry: { maxAttempts: 12 } });
    const cleared = setAt(
      setAt(set, ['settings', 'retry', 'maxAttempts'], undefined),
      ['settings', 'businessKeys'],
      {},
    );
    expect(cleared.settings).toBeUndefined();
    expect(setAt(FLOW, ['description'], '')).not.toHaveProperty('description');
    expect(FLOW.settings).toEqual({ businessKeys: { lot: 'msg.payload.lot' } });
  });

  it('renames a key in place, and refuses a name another entry has', () => {
    expect(Object.keys(renameKey({ a: 1, b: 2, c: 3 }, 'b', 'x')!)).toEqual(['a', 'x', 'c']);
    expect(renameKey({ a: 1, b: 2 }, 'a', 'b')).toBeUndefined();
    expect(renameKey({ a: 1 }, 'a', 'a')).toEqual({ a: 1 });
  });

  it('renames a connection slot in the nodes that use it too', () => {
    const renamed = renameSlot(FLOW, 'erp', 'sap')!;
    expect(Object.keys(renamed.connections!)).toEqual(['sap', 'qms']);
    expect(renamed.nodes.map((n) => n.connection)).toEqual(['sap', 'mesApi', 'sap']);
    expect(renameSlot(FLOW, 'erp', 'qms')).toBeUndefined();
  });

  it('finds the slots nodes use but the flow does not declare, and counts the uses', () => {
    expect(undeclaredSlots(FLOW)).toEqual(['mesApi']);
    expect([...slotUsage(FLOW)]).toEqual([
      ['erp', 2],
      ['mesApi', 1],
    ]);
    expect(freeName(FLOW.connections, 'erp')).toBe('erp2');
    expect(freeName(undefined, 'key')).toBe('key');
  });

  it('tells header problems from node and edge problems', () => {
    expect(isHeaderPointer('/settings/businessKeys/lot')).toBe(true);
    expect(isHeaderPointer('/name')).toBe(true);
    expect(isHeaderPointer('')).toBe(true);
    expect(isHeaderPointer('/nodes/2/config')).toBe(false);
    expect(isHeaderPointer('/edges/0')).toBe(false);
  });
});
