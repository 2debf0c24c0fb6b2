import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

// The architecture rules are only worth having if they fire: lint real snippets and check.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });
const scratch = mkdtempSync(join(root, 'packages/schema/src/lint-probe-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('architecture lint rules', () => {
  it("refuse a deep import into another package's src/", async () => {
    expect(
      await ruleIds('packages/flow-model/src/probe.ts', "export { x } from '@millrace/canonical/src/index.ts';\n"),
    ).toContain('no-restricted-imports');
  });

  it('refuse the engine importing a concrete store, and a core package importing express', async () => {
    expect(await ruleIds('packages/engine/src/probe.ts', "export { x } from '@millrace/store-sqlite';\n")).toContain(
      'no-restricted-imports',
    );
    expect(await ruleIds('packages/flow-model/src/probe.ts', "export { default } from 'express';\n")).toContain(
      'no-restricted-imports',
    );
    expect(await ruleIds('flow-nodes/probe/definition.ts', "export { x } from '@millrace/engine';\n")).toContain(
      'no-restricted-imports',
    );
  });

  it('allow importing a package through its entry point', async () => {
    expect(
      await ruleIds('packages/flow-model/src/probe.ts', "export { createAjv } from '@millrace/schema';\n"),
    ).toEqual([]);
  });

  it('refuse an import cycle', async () => {
    writeFileSync(join(scratch, 'a.ts'), "import { b } from './b.ts';\nexport const a = (): unknown => b;\n");
    writeFileSync(join(scratch, 'b.ts'), "import { a } from './a.ts';\nexport const b = (): unknown => a;\n");
    const [result] = await eslint.lintFiles([join(scratch, 'a.ts')]);
    expect(result!.messages.map((m) => m.ruleId)).toContain('import-x/no-cycle');
  });
});
