import { describe, expect, it } from 'vitest';
import {
  CANONICAL_EVENT_TYPES,
  CANONICAL_SCHEMAS,
  isCanonicalRef,
  parseCanonicalRef,
  resolveCanonicalRef,
  validateCanonical,
} from './index.ts';

describe('parseCanonicalRef', () => {
  it('splits a well-formed reference into name and major', () => {
    expect(parseCanonicalRef('canonical:BatchCompletion@1')).toEqual({ name: 'BatchCompletion', major: 1 });
  });

  it('parses a well-formed reference even when no such schema exists', () => {
    expect(parseCanonicalRef('canonical:Nope@1')).toEqual({ name: 'Nope', major: 1 });
    expect(parseCanonicalRef('canonical:BatchCompletion@2')).toEqual({ name: 'BatchCompletion', major: 2 });
  });

  it('rejects a reference without the canonical: prefix', () => {
    expect(parseCanonicalRef('BatchCompletion@1')).toBeUndefined();
  });

  it('rejects malformed majors and names', () => {
    for (const ref of [
      'canonical:BatchCompletion',
      'canonical:BatchCompletion@0',
      'canonical:BatchCompletion@01',
      'canonical:BatchCompletion@1.0',
      'canonical:batchCompletion@1',
      'canonical:BatchCompletion@1 ',
      'canonical:@1',
    ]) {
      expect(parseCanonicalRef(ref), ref).toBeUndefined();
    }
  });
});

describe('isCanonicalRef', () => {
  it('accepts a known reference', () => {
    expect(isCanonicalRef('canonical:BatchCompletion@1')).toBe(true);
    expect(isCanonicalRef('canonical:CAPA@1')).toBe(true);
  });

  it('rejects an unknown name, an unknown major and a missing prefix', () => {
    expect(isCanonicalRef('canonical:Nope@1')).toBe(false);
    expect(isCanonicalRef('canonical:BatchCompletion@2')).toBe(false);
    expect(isCanonicalRef('BatchCompletion@1')).toBe(false);
  });

  it('answers false for a value that is not a string', () => {
    expect(isCanonicalRef(42 as unknown as string)).toBe(false);
  });
});

describe('resolveCanonicalRef', () => {
  it('returns the entry with a JSON Schema 2020-12 and its $id', () => {
    const entry = resolveCanonicalRef('canonical:BatchCompletion@1')!;
    expect(entry).toMatchObject({
      name: 'BatchCompletion',
      major: 1,
      ref: 'canonical:BatchCompletion@1',
      kind: 'entity',
    });
    expect(entry.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(entry.schema.$id).toBe('https://millrace.dev/schemas/canonical/BatchCompletion/1');
  });

  it('returns undefined for an unknown reference', () => {
    expect(resolveCanonicalRef('canonical:Nope@1')).toBeUndefined();
  });
});

describe('CANONICAL_SCHEMAS', () => {
  it('has every entity, the envelope and the data schema of every event type', () => {
    const names = CANONICAL_SCHEMAS.map((e) => e.name);
    for (const name of [
      'Material',
      'ProductionOrder',
      'MaterialLot',
      'StockPosting',
      'BatchCompletion',
      'InspectionSpecification',
      'InspectionLot',
      'InspectionResult',
      'QualityEvent',
      'CAPA',
      'SupplierQualityCase',
      'ReleaseRecord',
      'AuditRecord',
      'IdMapping',
      'Equipment',
      'Person',
      'CloudEvent',
    ]) {
      expect(names).toContain(name);
    }
    for (const e of CANONICAL_EVENT_TYPES) expect(isCanonicalRef(e.dataRef), e.type).toBe(true);
  });

  it('has thirteen event types, all versioned', () => {
    expect(CANONICAL_EVENT_TYPES).toHaveLength(13);
    for (const e of CANONICAL_EVENT_TYPES) expect(e.type).toMatch(/^[a-z]+(\.[a-z]+)+\.v\d+$/);
  });

  it('gives every schema a title, a description and unique refs', () => {
    for (const e of CANONICAL_SCHEMAS) {
      expect(e.title, e.ref).toMatch(/\S/);
      expect(e.description, e.ref).toMatch(/\S/);
    }
    expect(new Set(CANONICAL_SCHEMAS.map((e) => e.ref)).size).toBe(CANONICAL_SCHEMAS.length);
  });

  it('refuses unknown fields on every entity', () => {
    for (const e of CANONICAL_SCHEMAS.filter((s) => s.kind === 'entity')) {
      expect(e.schema.additionalProperties, e.ref).toBe(false);
    }
  });

  it('cannot be changed by a caller', () => {
    const entry = CANONICAL_SCHEMAS[0]!;
    expect(() => {
      (entry.schema as Record<string, unknown>).additionalProperties = true;
    }).toThrow();
  });
});

describe('validateCanonical', () => {
  it('throws a clear error for an unknown name', () => {
    expect(() => validateCanonical('canonical:Nope@1', {})).toThrow(
      'canonical:Nope@1 does not exist: there is no canonical schema named Nope (see CANONICAL_SCHEMAS)',
    );
  });

  it('throws a clear error for an unknown major', () => {
    expect(() => validateCanonical('canonical:BatchCompletion@2', {})).toThrow(
      'canonical:BatchCompletion@2 does not exist: BatchCompletion has major version 1 only',
    );
  });

  it('throws a clear error for a malformed reference', () => {
    expect(() => validateCanonical('BatchCompletion@1', {})).toThrow(
      '"BatchCompletion@1" is not a canonical schema reference; write canonical:<Name>@<major>, such as canonical:BatchCompletion@1',
    );
  });

  it('reports every problem at once, in pointer order', () => {
    const problems = validateCanonical('canonical:Person@1', { id: 'x', schemaVersion: 2, nickname: 'A' });
    expect(problems).toEqual([
      { pointer: '/id', message: 'must be a UUID; got "x"' },
      { pointer: '/name', message: 'is required but missing' },
      { pointer: '/nickname', message: 'is not a known field here' },
      { pointer: '/schemaVersion', message: 'must be 1' },
    ]);
  });

  it('rejects a value that is not an object', () => {
    expect(validateCanonical('canonical:Person@1', 'Anna')).toEqual([
      { pointer: '', message: 'must be an object, not the string "Anna"' },
    ]);
  });
});
