import { describe, expect, it } from 'vitest';
import { newestVersion } from './api-editor.ts';

describe('starting a draft from the newest published version', () => {
  it('compares versions by number, not as text', () => {
    expect(newestVersion(['1.2.0', '1.10.0', '1.9.3'])).toBe('1.10.0');
    expect(newestVersion(['2.0.0', '10.0.0'])).toBe('10.0.0');
  });

  it('has none for no versions', () => {
    expect(newestVersion([])).toBeUndefined();
  });
});
