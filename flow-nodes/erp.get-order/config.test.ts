import { describe, expect, it } from 'vitest';
import { publishProblems } from '../shared/erp/publish-support.ts';

const problems = (config: Record<string, unknown>, connectionType?: string) =>
  publishProblems('erp.get-order', config, connectionType);

describe('erp.get-order config at publish', () => {
  it('accepts no config at all, and every field set', () => {
    expect(problems({})).toEqual([]);
    expect(problems({ orderNumber: 'msg.payload.order.number', output: 'order', timeoutMs: 5000 })).toEqual([]);
  });

  it('names an output mode that does not exist', () => {
    const [problem] = problems({ output: 'orders' });
    expect(problem).toMatchObject({ pointer: '/nodes/1/config/output' });
    expect(problem!.message).toContain('merge');
  });

  it('names an order number expression that does not parse', () => {
    expect(problems({ orderNumber: 'msg.payload.(' })).toEqual([
      { pointer: '/nodes/1/config/orderNumber', message: expect.any(String) },
    ]);
  });

  it('names an unknown field', () => {
    expect(problems({ order: 'msg.payload.order' })).toEqual([
      { pointer: '/nodes/1/config/order', message: 'is not a known field here' },
    ]);
  });

  it('refuses a connection type no ERP adapter speaks', () => {
    expect(problems({}, 'qms-rest')).toEqual([
      {
        pointer: '/nodes/1/connection',
        message: 'names slot "erp" of type qms-rest, but node type "erp.get-order" works with sap-odata-v2',
      },
    ]);
  });
});
