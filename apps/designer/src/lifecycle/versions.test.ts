import { describe, expect, it } from 'vitest';
import { bump, compareVersions, newest, suggestVersion, versionProblem } from './versions.ts';

describe('flow version numbers', () => {
  it('compares by number, not by text', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(newest(['1.2.0', '1.10.0', '0.9.9'])).toBe('1.10.0');
    expect(newest([])).toBeUndefined();
  });

  it('bumps patch, minor and major', () => {
    expect(bump('1.2.3', 'patch')).toBe('1.2.4');
    expect(bump('1.2.3', 'minor')).toBe('1.3.0');
    expect(bump('1.2.3', 'major')).toBe('2.0.0');
  });

  it("suggests the draft's own version when it is newer, else a minor bump of the newest", () => {
    expect(suggestVersion(['1.0.0'], '1.0.0')).toBe('1.1.0');
    expect(suggestVersion(['1.0.0', '1.1.0'], '2.0.0')).toBe('2.0.0');
    expect(suggestVersion([], '0.3.0')).toBe('0.3.0');
    expect(suggestVersion([], undefined)).toBe('1.0.0');
  });

  it('refuses a version that is malformed, published or not newer', () => {
    expect(versionProblem('1.1', ['1.0.0'])).toMatch(/three numbers/);
    expect(versionProblem('1.0.0', ['1.0.0'])).toMatch(/published already/);
    expect(versionProblem('0.9.0', ['1.0.0'])).toMatch(/not newer than .* 1\.0\.0/);
    expect(versionProblem('1.0.1', ['1.0.0'])).toBeUndefined();
  });
});
