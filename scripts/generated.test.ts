import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allGeneratedFiles } from './generated-files.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('generated files', () => {
  it('are committed exactly as the generators produce them (run `npm run generate` when this fails)', async () => {
    const files = await allGeneratedFiles();
    expect(files.length).toBeGreaterThan(0);
    const stale = files
      .filter((f) => !existsSync(join(root, f.path)) || readFileSync(join(root, f.path), 'utf8') !== f.content)
      .map((f) => f.path);
    expect(stale).toEqual([]);
  });
});
