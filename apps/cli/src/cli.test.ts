import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(root, 'apps/cli/bin/millrace.mjs');
const example = 'examples/batch-intake';
const broken = 'apps/cli/fixtures/broken.flow.json';
const scratch = mkdtempSync(join(tmpdir(), 'millrace-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the CLI in-process and captures what it prints. */
async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { cwd: root, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const exec = promisify(execFile);

/** Runs the real CLI as a child process, as a user would. */
async function spawnCli(...argv: string[]) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...argv], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('millrace validate', () => {
  it('passes every example pack shipped in examples/, digests included', async () => {
    const packs = readdirSync(join(root, 'examples'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, 'examples', d.name, 'pack.json')))
      .map((d) => d.name);
    expect(packs).toEqual(expect.arrayContaining(['batch-intake', 'batch-release']));
    for (const pack of packs) {
      const r = await run('validate', `examples/${pack}`);
      expect(r.err, pack).toEqual([]);
      expect(r.out.join('\n')).toMatch(new RegExp(`^pack ${pack} \\S+ is valid: \\d+ flow\\(s\\), 2 profile\\(s\\)$`));
      expect(r.code, pack).toBe(0);
    }
  });

  it('exits 0 on the example pack, as a real process', async () => {
    const r = await spawnCli('validate', example);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('pack batch-intake 1.0.0 is valid: 1 flow(s), 2 profile(s)\n');
    expect(r.code).toBe(0);
  });

  it('prints one line per problem with its pointer and exits 1 on a broken flow, as a real process', async () => {
    const r = await spawnCli('validate', broken);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      `${broken}#/edges/9/to/node: names node "ghost", which is not in this flow`,
      `${broken}#/nodes/1/config/schema (node check): names canonical schema "BatchCompletoin", which does not exist; did you mean BatchCompletion?`,
      `${broken}#/nodes/2/config/reason (node park): is required but missing`,
      `${broken}#/nodes/6/connection (node create): names connection slot "erp", which the flow does not declare under /connections`,
    ]);
    expect(r.stderr).toBe('4 problems in 1 file\n');
  });

  it('checks a flow against a plant profile and names the profile file in its problems', async () => {
    const profile = join(scratch, 'P300.json');
    const p = JSON.parse(readFileSync(join(root, example, 'profiles/P100.json'), 'utf8'));
    p.plant = 'P300';
    delete p.params.plantCode;
    writeFileSync(profile, JSON.stringify(p));
    const r = await run('validate', join(example, 'flows/batch-intake.flow.json'), '--profile', profile);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([
      `${relative(root, profile)}#/params/plantCode: is required: flow "batch-intake" needs this param from plant P300`,
    ]);
  });

  it('exits 0 on a good flow with its profile', async () => {
    const r = await run(
      'validate',
      join(example, 'flows/batch-intake.flow.json'),
      '--profile',
      join(example, 'profiles/P200.json'),
    );
    expect(r.out).toEqual(['flow batch-intake 1.0.0 is valid (9 nodes, plant P200)']);
    expect(r.code).toBe(0);
  });

  it('reports a pack whose flow changed after sealing', async () => {
    const pack = join(scratch, 'tampered');
    cpSync(join(root, example), pack, { recursive: true });
    const flowFile = join(pack, 'flows/batch-intake.flow.json');
    writeFileSync(flowFile, readFileSync(flowFile, 'utf8').replace('"Batch completion intake"', '"Renamed"'));
    const r = await run('validate', pack);
    expect(r.code).toBe(1);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).toMatch(
      /tampered\/pack\.json#\/sha256\/flows~1batch-intake\.flow\.json: does not match the file: pack\.json says [0-9a-f]{12}…, the file's SHA-256 is [0-9a-f]{12}…$/,
    );
  });

  it('prints problems as JSON with --json', async () => {
    const r = await run('validate', broken, '--json');
    const parsed = JSON.parse(r.out.join('\n')) as { valid: boolean; problems: Array<{ pointer: string }> };
    expect(parsed.valid).toBe(false);
    expect(parsed.problems.map((p) => p.pointer)).toEqual([
      '/edges/9/to/node',
      '/nodes/1/config/schema',
      '/nodes/2/config/reason',
      '/nodes/6/connection',
    ]);
  });

  it('reports a file that is not JSON with its line and column', async () => {
    const bad = join(scratch, 'bad.json');
    writeFileSync(bad, '{\n  "schemaVersion": 1,\n  "id": \n}');
    const r = await run('validate', bad);
    expect(r.code).toBe(1);
    expect(r.out[0]).toBe(
      `${relative(root, bad)}#: is not valid JSON: expected a value, found "}" at line 4, column 1`,
    );
  });

  it('answers bad usage with exit 2 and a one-line reason', async () => {
    expect(await run('validate')).toMatchObject({
      code: 2,
      err: [
        'millrace: expected one flow file or pack folder: millrace validate <flow.json|pack-dir> [--profile p.json] [--json]',
      ],
    });
    expect(await run('validate', 'nope.json')).toMatchObject({
      code: 2,
      err: ['millrace: nope.json: no such file or folder'],
    });
    expect(await run('validate', broken, '--profile')).toMatchObject({
      code: 2,
      err: ['millrace: --profile needs a value'],
    });
    expect(await run('validate', broken, '--frobnicate')).toMatchObject({
      code: 2,
      err: ['millrace: unknown option --frobnicate'],
    });
    expect(await run('launch')).toMatchObject({ code: 2, err: ['millrace: unknown command "launch"'] });
  });
});

describe('millrace pack seal', () => {
  it('writes the digests that make an edited pack valid again', async () => {
    const pack = join(scratch, 'resealed');
    cpSync(join(root, example), pack, { recursive: true });
    const flowFile = join(pack, 'flows/batch-intake.flow.json');
    writeFileSync(flowFile, readFileSync(flowFile, 'utf8').replace('"Batch completion intake"', '"Renamed"'));
    expect((await run('validate', pack)).code).toBe(1);
    expect(await run('pack', 'seal', pack)).toMatchObject({ code: 0 });
    expect((await run('validate', pack)).code).toBe(0);
  });

  it('leaves pack.json untouched when a listed file is missing', async () => {
    const pack = join(scratch, 'incomplete');
    cpSync(join(root, example), pack, { recursive: true });
    rmSync(join(pack, 'profiles/P200.json'));
    const before = readFileSync(join(pack, 'pack.json'), 'utf8');
    const r = await run('pack', 'seal', pack);
    expect(r).toMatchObject({
      code: 2,
      err: [`millrace: ${join(pack, 'pack.json')} lists profiles/P200.json, which is not in the pack`],
    });
    expect(readFileSync(join(pack, 'pack.json'), 'utf8')).toBe(before);
  });
});

describe('millrace run', () => {
  it('runs one event on a real SQLite file and prints the run trace as JSON', async () => {
    const input = join(scratch, 'event.json');
    writeFileSync(input, JSON.stringify({ n: 3 }));
    const r = await spawnCli(
      'run',
      'packages/runtime/fixtures/echo.flow.json',
      '--profile',
      'packages/runtime/fixtures/P100.json',
      '--input',
      input,
    );
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.stdout) as {
      status: string;
      flow: { id: string };
      steps: Array<{ node: string; status: string; output: unknown }>;
    };
    expect(trace.status).toBe('succeeded');
    expect(trace.flow.id).toBe('echo');
    expect(trace.steps.map((s) => [s.node, s.status])).toEqual([
      ['which', 'done'],
      ['double', 'done'],
      ['answer', 'done'],
    ]);
    expect(trace.steps[2]!.output).toEqual({ out: [{ n: 6, tag: { size: 'small' } }] });
  });

  it('refuses an input file that is not JSON with a one-line reason', async () => {
    const input = join(scratch, 'broken-event.json');
    writeFileSync(input, '{"n": }');
    const r = await run(
      'run',
      'packages/runtime/fixtures/echo.flow.json',
      '--profile',
      'packages/runtime/fixtures/P100.json',
      '--input',
      input,
    );
    expect(r).toMatchObject({
      code: 2,
      err: [`millrace: ${input}: is not valid JSON: expected a value, found "}" at line 1, column 7`],
    });
  });
});

describe('sandbox limits from the environment', () => {
  it('reads the operator limits and refuses nonsense', async () => {
    const { sandboxLimitsFrom } = await import('./serve.ts');
    expect(sandboxLimitsFrom({ MILLRACE_SANDBOX_TIMEOUT_MS: '250', MILLRACE_SANDBOX_MEMORY_MB: '32' })).toEqual({
      timeoutMs: 250,
      memoryMb: 32,
    });
    expect(sandboxLimitsFrom({})).toEqual({});
    expect(() => sandboxLimitsFrom({ MILLRACE_SANDBOX_MEMORY_MB: '2' })).toThrow(
      'MILLRACE_SANDBOX_MEMORY_MB must be a whole number of at least 8, not "2"',
    );
  });
});
