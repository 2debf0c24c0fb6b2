import { describe, expect, it } from 'vitest';
import { nameBasedUuid, padNumeric, postingMarker, stripLeadingZeros } from './ids.ts';

describe('ERP ids', () => {
  it('strip leading zeros of numeric ids only, keeping a lone zero', () => {
    expect(stripLeadingZeros('000001000123')).toBe('1000123');
    expect(stripLeadingZeros('1000123')).toBe('1000123');
    expect(stripLeadingZeros('0000')).toBe('0');
    expect(stripLeadingZeros('00A-1')).toBe('00A-1');
  });

  it('pad numeric ids to a NUMC length and leave others alone', () => {
    expect(padNumeric('10000000042', 12)).toBe('010000000042');
    expect(padNumeric('010000000042', 12)).toBe('010000000042');
    expect(padNumeric('LOT-1', 12)).toBe('LOT-1');
  });

  it('give the same UUID for the same name and a different one for another', () => {
    const a = nameBasedUuid('sap:erp/100:ManufacturingOrder:1000123');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nameBasedUuid('sap:erp/100:ManufacturingOrder:1000123')).toBe(a);
    expect(nameBasedUuid('sap:erp/100:ManufacturingOrder:1000124')).not.toBe(a);
  });

  it('make a 25-character posting marker that differs by flow, plant and step key', () => {
    const step = { flowId: 'batch-release', plant: 'P100', idempotencyKey: 'mr-7-hold' };
    const marker = postingMarker(step);
    expect(marker).toMatch(/^MR-[A-Za-z0-9_-]{22}$/);
    expect(postingMarker({ ...step })).toBe(marker);
    expect(postingMarker({ ...step, plant: 'P200' })).not.toBe(marker);
    expect(postingMarker({ ...step, flowId: 'other' })).not.toBe(marker);
    expect(postingMarker({ ...step, idempotencyKey: 'mr-8-hold' })).not.toBe(marker);
  });
});
