import { describe, expect, it } from 'vitest';
import { migrateDocument, type MigrationPlan } from './migrate.ts';

// Format 3 renamed `title` to `name`; format 2 added `tags`. A made-up history to exercise the hook.
const plan: MigrationPlan = {
  kind: 'flow',
  current: 3,
  migrations: {
    1: (doc) => ({ ...doc, tags: [] }),
    2: ({ title, ...rest }) => ({ ...rest, name: title }),
  },
};

describe('migrateDocument', () => {
  it('lifts an old document step by step to the current version', () => {
    expect(migrateDocument({ schemaVersion: 1, title: 'Old' }, plan)).toEqual({
      ok: true,
      value: { schemaVersion: 3, tags: [], name: 'Old' },
    });
  });

  it('leaves a current document as it is', () => {
    const doc = { schemaVersion: 3, name: 'New', tags: ['a'] };
    expect(migrateDocument(doc, plan)).toEqual({ ok: true, value: doc });
  });

  it('refuses a version with no migration path, and a newer one', () => {
    expect(migrateDocument({ schemaVersion: 0 }, plan)).toEqual({
      ok: false,
      problems: [
        {
          pointer: '/schemaVersion',
          message: 'is 0, which this Millrace can no longer migrate (no migration from flow schemaVersion 0)',
        },
      ],
    });
    expect(migrateDocument({ schemaVersion: 4 }, plan)).toMatchObject({
      ok: false,
      problems: [
        {
          pointer: '/schemaVersion',
          message: 'is 4, but this Millrace reads flow files up to schemaVersion 3; upgrade Millrace to open it',
        },
      ],
    });
  });

  it('does not change the document it was given', () => {
    const doc = { schemaVersion: 1, title: 'Old' };
    migrateDocument(doc, plan);
    expect(doc).toEqual({ schemaVersion: 1, title: 'Old' });
  });
});
