import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANONICAL_EVENT_TYPES, CANONICAL_SCHEMAS, validateCanonical, validateEvent } from './index.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

interface Fixture {
  readonly dir: string;
  readonly file: string;
  readonly valid: boolean;
  readonly description: string;
  readonly expect?: { readonly pointer: string; readonly message: string };
  readonly value: unknown;
}

function loadFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const dir of readdirSync(FIXTURES).sort()) {
    for (const file of readdirSync(join(FIXTURES, dir)).sort()) {
      const valid = file.startsWith('valid-');
      if (!valid && !file.startsWith('invalid-'))
        throw new Error(`fixture ${dir}/${file} must start with valid- or invalid-`);
      const body = JSON.parse(readFileSync(join(FIXTURES, dir, file), 'utf8')) as Omit<
        Fixture,
        'dir' | 'file' | 'valid'
      >;
      out.push({ dir, file, valid, ...body });
    }
  }
  return out;
}

/** A directory named after an event type holds whole events; any other names a canonical schema. */
function problemsFor(f: Fixture) {
  return CANONICAL_EVENT_TYPES.some((e) => e.type === f.dir)
    ? validateEvent(f.value)
    : validateCanonical(`canonical:${f.dir}@1`, f.value);
}

const fixtures = loadFixtures();

describe('fixtures', () => {
  it('has a valid and two invalid fixtures for every canonical schema', () => {
    for (const entry of CANONICAL_SCHEMAS) {
      const mine = fixtures.filter((f) => f.dir === entry.name);
      expect(mine.filter((f) => f.valid).length, entry.ref).toBeGreaterThanOrEqual(1);
      expect(mine.filter((f) => !f.valid).length, entry.ref).toBeGreaterThanOrEqual(2);
    }
  });

  it('has whole-event fixtures for at least two event types', () => {
    const eventDirs = new Set(
      fixtures.filter((f) => CANONICAL_EVENT_TYPES.some((e) => e.type === f.dir)).map((f) => f.dir),
    );
    expect(eventDirs.size).toBeGreaterThanOrEqual(2);
  });

  it('gives every invalid fixture a description and an expected problem', () => {
    for (const f of fixtures) {
      expect(f.description, `${f.dir}/${f.file}`).toMatch(/\S/);
      if (!f.valid)
        expect(f.expect, `${f.dir}/${f.file}`).toMatchObject({
          pointer: expect.any(String),
          message: expect.any(String),
        });
    }
  });

  it('accepts every valid fixture and rejects every invalid one with the named problem', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), (f) => {
        const problems = problemsFor(f);
        if (f.valid) {
          expect(problems, `${f.dir}/${f.file}`).toEqual([]);
        } else {
          expect(problems.length, `${f.dir}/${f.file} should fail`).toBeGreaterThan(0);
          expect(problems, `${f.dir}/${f.file}`).toContainEqual(f.expect);
        }
      }),
      // Every fixture runs at least once, whatever the random draw.
      { examples: fixtures.map((f) => [f] as [Fixture]) },
    );
  });
});
