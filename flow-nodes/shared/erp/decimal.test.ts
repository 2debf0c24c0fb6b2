import { describe, expect, it } from 'vitest';
import { add, compare, isQuantity, isZero, subtract } from './decimal.ts';

describe('decimal strings', () => {
  it('compare exactly, whatever their scale', () => {
    expect(compare('480', '480.000')).toBe(0);
    expect(compare('0.3', '0.30000000000000004')).toBe(-1);
    expect(compare('100.5', '100.49')).toBe(1);
  });

  it('add and subtract without floats, keeping the larger scale', () => {
    expect(add('0.1', '0.2')).toBe('0.3');
    expect(add('480.000', '20')).toBe('500.000');
    expect(subtract('150', '100.000')).toBe('50.000');
    expect(subtract('20', '100.5')).toBe('-80.5');
    expect(subtract('0.001', '0.001')).toBe('0.000');
  });

  it('know zero and what a quantity looks like', () => {
    expect(isZero('0.000')).toBe(true);
    expect(isZero('0.001')).toBe(false);
    expect(isQuantity('12')).toBe(true);
    expect(isQuantity('-1')).toBe(false);
    expect(isQuantity('1e3')).toBe(false);
    expect(isQuantity(12)).toBe(false);
  });
});
