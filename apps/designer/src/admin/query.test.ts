import { describe, expect, it } from 'vitest';
import {
  AUDIT_FILTERS,
  filtersFromSearch,
  isoToLocal,
  keysText,
  localToIso,
  RUN_FILTERS,
  runFilterProblems,
  searchOf,
} from './query.ts';

describe('filters in the URL query string', () => {
  it('reads the known run filters from a query string and drops unknown and empty ones', () => {
    expect(filtersFromSearch('?status=succeeded&key=B123&color=red&flow=', RUN_FILTERS)).toEqual({
      status: 'succeeded',
      key: 'B123',
    });
  });

  it('round-trips filters through a query string in a stable order, encoding what needs it', () => {
    const filters = { key: 'lot 7/B&1', status: 'held', since: '2026-03-04T08:00:00.000Z' };
    const search = searchOf(filters, RUN_FILTERS);
    expect(search).toBe('?status=held&key=lot+7%2FB%261&since=2026-03-04T08%3A00%3A00.000Z');
    expect(filtersFromSearch(search, RUN_FILTERS)).toEqual(filters);
  });

  it('gives an empty query string when no filter is set', () => {
    expect(searchOf({ action: '  ', actor: '' }, AUDIT_FILTERS)).toBe('');
  });

  it('keeps audit filters apart from run filters', () => {
    expect(filtersFromSearch('?action=pack.*&status=held', AUDIT_FILTERS)).toEqual({ action: 'pack.*' });
  });
});

describe('times of the filter inputs', () => {
  it('turns a local datetime-local value into ISO UTC and back', () => {
    const iso = localToIso('2026-03-04T08:30');
    expect(iso).toBe(new Date(2026, 2, 4, 8, 30).toISOString());
    expect(isoToLocal(iso)).toBe('2026-03-04T08:30');
  });

  it('gives empty text for an empty or nonsensical time', () => {
    expect(localToIso('')).toBe('');
    expect(localToIso('yesterday')).toBe('');
    expect(isoToLocal('never')).toBe('');
  });
});

describe('run filter problems', () => {
  it('refuses a key name without a key value, and times out of order', () => {
    expect(
      runFilterProblems({ keyName: 'lot', since: '2026-03-05T00:00:00Z', until: '2026-03-04T00:00:00Z' }),
    ).toHaveLength(2);
    expect(runFilterProblems({ keyName: 'lot', key: 'B1', since: '2026-03-04T00:00:00Z' })).toEqual([]);
  });
});

describe('business keys as text', () => {
  it('lists each key with its value', () => {
    expect(keysText({ lot: 'B123', qty: 5 })).toBe('lot=B123, qty=5');
    expect(keysText(null)).toBe('');
  });
});
