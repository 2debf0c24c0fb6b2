import { describe, expect, it } from 'vitest';
import { tokenState } from './tokens.ts';

describe('API token states', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');

  it('calls a token active until it expires or is revoked, and a token without expiry active for good', () => {
    expect(tokenState({ expiresAt: null, revokedAt: null }, now)).toBe('active');
    expect(tokenState({ expiresAt: '2026-11-28T12:00:01Z', revokedAt: null }, now)).toBe('active');
    expect(tokenState({ expiresAt: '2026-11-28T12:00:00Z', revokedAt: null }, now)).toBe('expired');
  });

  it('says revoked before expired: a revoked token stays revoked', () => {
    expect(tokenState({ expiresAt: '2026-01-01T00:00:00Z', revokedAt: '2025-12-01T00:00:00Z' }, now)).toBe('revoked');
  });
});
