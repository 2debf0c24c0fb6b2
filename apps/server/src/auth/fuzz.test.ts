import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startHarness, type Harness } from './test-harness.ts';

/**
 * Whatever JSON (or not-JSON) arrives, the auth routes answer 2xx or 4xx, never 5xx, and never
 * echo a password. Limits are lifted so the bodies reach the handlers instead of the 429.
 */
let h: Harness;
let admin: string;
beforeAll(async () => {
  h = await startHarness({ perUsername: 1e9, perAddress: 1e9 });
  admin = (await h.tokenFor('admin', ADMIN_PASSWORD)).token;
});
afterAll(() => h.close());

// Passwords carry a marker (strings) or are big numbers, so an echo of one is recognisable.
// Short ones (under the 12 characters a new password needs) and long ones.
const password = fc.oneof(
  { arbitrary: fc.string({ maxLength: 30 }).map((s) => `pw-canary-${s}`), weight: 3 },
  { arbitrary: fc.integer({ min: 100_000_000_000, max: Number.MAX_SAFE_INTEGER }), weight: 1 },
  { arbitrary: fc.jsonValue(), weight: 1 },
);
const echoOf = (v: unknown) =>
  typeof v === 'string' && v.startsWith('pw-canary-') ? v : typeof v === 'number' && v > 1e11 ? String(v) : undefined;

// Mostly bodies of the right shape with odd values (they reach the handlers), some of any shape.
const body = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    { arbitrary: fc.record({ ...fields, password }), weight: 4 },
    { arbitrary: fc.record({ ...fields, password }, { requiredKeys: [] }), weight: 1 },
    { arbitrary: fc.jsonValue(), weight: 1 },
    { arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue(), { maxKeys: 4 }), weight: 1 },
  );
const asText = (b: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: b.map((v) => JSON.stringify(v) ?? 'null'), weight: 6 }, fc.string({ maxLength: 40 }));
const raw = asText(
  body({
    username: fc.oneof(fc.constantFrom('admin', 'ADMIN', 'nobody'), fc.string({ maxLength: 70 }), fc.jsonValue()),
  }),
);
const rawUser = asText(
  body({
    username: fc.oneof(
      { arbitrary: fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}$/), weight: 3 },
      fc.constantFrom('admin', 'Admin'),
      fc.string({ maxLength: 70 }),
      fc.jsonValue(),
    ),
    role: fc.oneof({ arbitrary: fc.constantFrom('viewer', 'analyst', 'approver', 'admin'), weight: 3 }, fc.jsonValue()),
  }),
);

function passwordIn(text: string): string | undefined {
  try {
    return echoOf((JSON.parse(text) as { password?: unknown })?.password);
  } catch {
    return undefined;
  }
}

describe('arbitrary bodies', () => {
  it('POST /api/auth/login never answers 5xx nor echoes the password', async () => {
    await fc.assert(
      fc.asyncProperty(raw, async (text) => {
        const answer = await h.call('post', '/api/auth/login', { raw: text });
        expect(answer.status).toBeGreaterThanOrEqual(200);
        expect(answer.status).toBeLessThan(500);
        const secret = passwordIn(text);
        if (secret !== undefined) expect(answer.text).not.toContain(secret);
      }),
      { numRuns: 150 },
    );
  });

  it('POST /api/users never answers 5xx nor echoes the password', async () => {
    await fc.assert(
      fc.asyncProperty(rawUser, async (text) => {
        const answer = await h.call('post', '/api/users', { raw: text, bearer: admin });
        expect(answer.status).toBeGreaterThanOrEqual(200);
        expect(answer.status).toBeLessThan(500);
        const secret = passwordIn(text);
        if (secret !== undefined) expect(answer.text).not.toContain(secret);
      }),
      { numRuns: 150 },
    );
    expect(h.logs.join('')).not.toContain('"level":50');
  });
});
