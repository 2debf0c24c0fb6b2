import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CANONICAL_SCHEMAS, generatedFiles } from './index.ts';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const REGENERATE =
  "regenerate with: npx tsx -e \"import { generatedFiles } from '@millrace/canonical'; " +
  "import { writeFileSync } from 'node:fs'; for (const f of generatedFiles()) writeFileSync(f.path, f.content);\"";

describe('generated schema files', () => {
  const files = generatedFiles();

  it('writes one file per schema plus the index', () => {
    expect(files).toHaveLength(CANONICAL_SCHEMAS.length + 1);
    expect(files.map((f) => f.path)).toContain('packages/canonical/schemas/BatchCompletion.v1.schema.json');
    expect(files.map((f) => f.path)).toContain('packages/canonical/schemas/index.json');
  });

  it('matches the committed copies', () => {
    for (const f of files) {
      const onDisk = join(REPO_ROOT, f.path);
      expect(existsSync(onDisk), `${f.path} is missing; ${REGENERATE}`).toBe(true);
      expect(readFileSync(onDisk, 'utf8'), `${f.path} is stale; ${REGENERATE}`).toBe(f.content);
    }
  });

  it('leaves no file behind in schemas/ that the code no longer generates', () => {
    const expected = new Set(files.map((f) => f.path.split('/').at(-1)));
    const dir = join(REPO_ROOT, 'packages/canonical/schemas');
    const stray = readdirSync(dir).filter((name) => !expected.has(name));
    expect(stray, 'delete these files; they no longer come from the code').toEqual([]);
  });

  it('writes schemas with the 2020-12 dialect and the canonical $id', () => {
    const bc = JSON.parse(files.find((f) => f.path.endsWith('/BatchCompletion.v1.schema.json'))!.content);
    expect(bc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(bc.$id).toBe('https://millrace.dev/schemas/canonical/BatchCompletion/1');
  });
});
