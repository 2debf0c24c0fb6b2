import { describe, expect, it } from 'vitest';
import { nameBasedUuid } from './canonical-id.ts';

describe('canonical ids of QMS records', () => {
  it('are version 5 UUIDs, the same for the same record and different for another', () => {
    const id = nameBasedUuid('http://qms/api/v1|inspections|INS-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nameBasedUuid('http://qms/api/v1|inspections|INS-1')).toBe(id);
    expect(nameBasedUuid('http://qms-2/api/v1|inspections|INS-1')).not.toBe(id);
  });
});
