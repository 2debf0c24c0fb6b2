import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'millrace-test-cmd-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { cwd: root, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A copy of the batch-release pack to break. */
function packCopy(name: string): string {
  const dir = join(scratch, name);
  cpSync(join(root, 'examples/batch-release'), dir, { recursive: true });
  return dir;
}

const editJson = (file: string, edit: (doc: Record<string, unknown>) => void) => {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(doc);
  writeFileSync(file, JSON.stringify(doc, null, 2));
};

describe('millrace test', () => {
  it('passes the test cases of every example pack that has them', async () => {
    const packs = readdirSync(join(root, 'examples')).filter((name) => {
      const manifest = join(root, 'examples', name, 'pack.json');
      return existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { tests?: string[] }).tests;
    });
    expect(packs).toContain('batch-release');
    for (const pack of packs) {
      const r = await run('test', `examples/${pack}`);
      expect(r.out, pack).toMatch(/\d+ passed, 0 failed$/);
      expect(r.code, `${pack}\n${r.out}\n${r.err}`).toBe(0);
    }
  }, 60_000);

  it('exits 1 and says what did not hold when a case fails', async () => {
    const dir = packCopy('failing');
    editJson(join(dir, 'flows/batch-release.tests.json'), (doc) => {
      const cases = doc.cases as Array<{ name: string; expect: { deadLetter?: { code: string } } }>;
      cases.find((c) => c.name.includes('does not know'))!.expect.deadLetter!.code = 'SOMETHING_ELSE';
    });
    expect((await run('pack', 'seal', dir)).code).toBe(0);
    const r = await run('test', dir, '--only', 'does not know');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ parks a batch of an order the ERP does not know as ORDER_NOT_IN_ERP/);
    expect(r.out).toMatch(
      /no dead letter at "unknownOrder" with code SOMETHING_ELSE; dead letters: unknownOrder ORDER_NOT_IN_ERP/,
    );
    expect(r.out).toMatch(/0 passed, 1 failed$/);
  });

  it('exits 2 and points at the field when a test file names a node the flow does not have', async () => {
    const dir = join(scratch, 'flow-only');
    cpSync(join(root, 'examples/batch-release/flows'), dir, { recursive: true });
    editJson(join(dir, 'qms-decisions.tests.json'), (doc) => {
      (doc.cases as Array<{ expect: { visits?: string[] } }>)[0]!.expect.visits = ['kind', 'wakeup'];
      delete doc.profile;
    });
    const r = await run('test', join(dir, 'qms-decisions.flow.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /qms-decisions\.tests\.json#\/cases\/0\/expect\/visits\/1: "wakeup" is not a node of flow qms-decisions/,
    );
  });

  it('refuses a pack whose test file pack.json does not list, or whose digest does not match', async () => {
    const unlisted = packCopy('unlisted');
    editJson(join(unlisted, 'pack.json'), (doc) => {
      doc.tests = ['flows/batch-release.tests.json'];
    });
    expect((await run('pack', 'seal', unlisted)).code).toBe(0);
    const r = await run('test', unlisted);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/does not list flows\/qms-decisions\.tests\.json under "tests"/);

    const tampered = packCopy('tampered');
    editJson(join(tampered, 'flows/qms-decisions.tests.json'), (doc) => {
      (doc.cases as Array<{ name: string }>)[0]!.name = 'changed after sealing';
    });
    const t = await run('test', tampered);
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/sha256\/flows~1qms-decisions\.tests\.json: does not match the file/);
  });

  it('says so and exits 1 when there is nothing to test', async () => {
    const r = await run('test', 'examples/batch-intake');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no test cases in examples\/batch-intake/);
  });

  it('runs as a real process and prints one line per case', async () => {
    const exec = promisify(execFile);
    const { stdout } = await exec(
      process.execPath,
      [join(root, 'apps/cli/bin/millrace.mjs'), 'test', 'examples/batch-release'],
      {
        cwd: root,
      },
    );
    expect(stdout).toMatch(/✓ releases an accepted lot/);
    expect(stdout).toMatch(/8 passed, 0 failed\n$/);
  }, 30_000);
});
