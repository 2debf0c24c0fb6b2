import { describe, expect, it } from 'vitest';
import { validateEvent } from '../index.ts';

const batchCompleted = () => ({
  specversion: '1.0',
  id: '3f6c1a2e-8b4d-4e1f-9a7c-2d5e6f708192',
  source: '/acme/p100/mes',
  type: 'mes.batch.completed.v1',
  time: '2026-03-02T17:48:32+01:00',
  correlationid: 'corr-1',
  data: {
    id: '3f6c1a2e-8b4d-4e1f-9a7c-2d5e6f708192',
    schemaVersion: 1,
    productionOrderId: '1000123',
    responseState: 'completed',
    producedLot: { lotId: 'LOT-2026-0042', qty: { value: '480.000', uom: 'KGM' } },
    startTime: '2026-03-02T06:12:00+01:00',
    endTime: '2026-03-02T17:48:31+01:00',
  },
});

describe('validateEvent', () => {
  it('accepts a canonical batch-completed event', () => {
    expect(validateEvent(batchCompleted())).toEqual([]);
  });

  it('points into data for a problem in the payload', () => {
    const event = batchCompleted();
    (event.data.producedLot.qty as { value: unknown }).value = 480;
    expect(validateEvent(event)).toEqual([
      { pointer: '/data/producedLot/qty/value', message: 'must be a string, not the number 480' },
    ]);
  });

  it('reports envelope and data problems together, the envelope first', () => {
    const event = { ...batchCompleted(), specversion: '0.3', data: { ...batchCompleted().data, endTime: 'yesterday' } };
    expect(validateEvent(event)).toEqual([
      { pointer: '/specversion', message: 'must be "1.0"' },
      { pointer: '/data/endTime', message: expect.stringContaining('got "yesterday"') },
    ]);
  });

  it('rejects a type that is not canonical and does not guess a schema for its data', () => {
    const problems = validateEvent({ ...batchCompleted(), type: 'mes.batch.finished.v1', data: {} });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      pointer: '/type',
      message: expect.stringMatching(/^is not a canonical event type/),
    });
  });

  it('accepts the dataschema that matches the type and refuses another', () => {
    const ok = { ...batchCompleted(), dataschema: 'https://millrace.dev/schemas/canonical/BatchCompletion/1' };
    expect(validateEvent(ok)).toEqual([]);
    const wrong = { ...batchCompleted(), dataschema: 'https://millrace.dev/schemas/canonical/MaterialLot/1' };
    expect(validateEvent(wrong)).toEqual([
      {
        pointer: '/dataschema',
        message:
          'must be "https://millrace.dev/schemas/canonical/BatchCompletion/1" for type mes.batch.completed.v1, or be left out',
      },
    ]);
  });

  it('allows other extension attributes with lower-case names and simple values', () => {
    expect(validateEvent({ ...batchCompleted(), traceparent: '00-abc-def-01', priority: 3, replay: true })).toEqual([]);
  });

  it('points at an extension whose name breaks the CloudEvents naming rule', () => {
    expect(validateEvent({ ...batchCompleted(), idempotency_key: 'k1' })).toEqual([
      {
        pointer: '/idempotency_key',
        message:
          'is not a known field here; a field name here must be lower-case letters and digits only, as CloudEvents requires for attribute names',
      },
    ]);
  });

  it('checks the data of a change event against its own small schema', () => {
    const event = {
      specversion: '1.0',
      id: 'e1',
      source: '/acme/qms',
      type: 'qms.capa.changed.v1',
      time: '2026-05-02T10:00:00+02:00',
      data: { capaId: 'CAPA-2026-0009', status: 'closed', changedAt: '2026-05-02T10:00:00+02:00' },
    };
    expect(validateEvent(event)).toEqual([
      { pointer: '/data/status', message: expect.stringMatching(/^must be one of "initiated", .*; got "closed"$/) },
    ]);
  });

  it('rejects something that is not an event at all', () => {
    expect(validateEvent(null)).toEqual([{ pointer: '', message: 'must be an object, not null' }]);
    expect(validateEvent([])).toEqual([{ pointer: '', message: 'must be an object, not an array' }]);
  });

  it('reports a missing data as a missing field, not as a data problem', () => {
    const { data: _data, ...event } = batchCompleted();
    expect(validateEvent(event)).toEqual([{ pointer: '/data', message: 'is required but missing' }]);
  });
});
