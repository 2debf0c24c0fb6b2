import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  brokenLinks,
  docFiles,
  documents,
  envReads,
  githubSlug,
  headingSlugs,
  markdownLinks,
  readTarget,
  sourceFiles,
} from './docs-check.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['packages', 'flow-nodes', 'apps', 'scripts', 'bench'];

/**
 * Reads whose variable name is itself a variable, and what they read. Each is a known site; a new
 * one fails the test until it is listed here and its variables are documented.
 */
const DYNAMIC_READS: ReadonlyArray<{ file: string; expression: string; names: readonly string[] | 'secrets' }> = [
  // sandboxLimitsFrom loops over the two limits' names.
  {
    file: 'apps/cli/src/serve.ts',
    expression: 'name',
    names: ['MILLRACE_SANDBOX_TIMEOUT_MS', 'MILLRACE_SANDBOX_MEMORY_MB'],
  },
  // Secrets named in plant profiles, by whatever name the profile gives: the operations guide
  // explains the rule (secrets store first, then the environment), not every possible name.
  { file: 'apps/server/src/server.ts', expression: 'name', names: 'secrets' },
  { file: 'packages/runtime/src/secrets.ts', expression: 'name', names: 'secrets' },
  // The simulators' development secrets, overridable one by one.
  {
    file: 'apps/simulators/src/plant.ts',
    expression: 'name',
    names: [
      'ERP_P100_PASSWORD',
      'ERP_P200_CLIENT_SECRET',
      'QMS_P100_CLIENT_SECRET',
      'QMS_P200_CLIENT_SECRET',
      'MES_P100_API_KEY',
      'MES_P200_API_KEY',
      'MES_P100_MQTT_PASSWORD',
      'MES_P200_MQTT_PASSWORD',
      'QMS_WEBHOOK_SECRET',
    ],
  },
];

describe('the link checker', () => {
  it('makes heading ids the way GitHub does', () => {
    expect(githubSlug('Secrets and key rotation')).toBe('secrets-and-key-rotation');
    expect(githubSlug('`millrace serve --headless`')).toBe('millrace-serve---headless');
    expect(githubSlug('Step 3: test-run it (against the simulators)')).toBe(
      'step-3-test-run-it-against-the-simulators',
    );
    expect(githubSlug('What [links](x.md) say')).toBe('what-links-say');
    expect([...headingSlugs('# A\n\n## A\n\n```\n# not a heading\n```\n### A\n<a id="here"></a>')]).toEqual([
      'a',
      'a-1',
      'a-2',
      'here',
    ]);
  });

  it('finds links outside code only', () => {
    const md = 'See [a](a.md#x) and ![img](i.png).\n\n```\n[not](code.md)\n```\n`[inline](no.md)`\n[ref]: ref.md\n';
    expect(markdownLinks(md).map((l) => l.target)).toEqual(['a.md#x', 'i.png', 'ref.md']);
  });

  it('reports a missing file, a missing anchor and a missing anchor in the same file', () => {
    const files: Record<string, string> = { '/d/b.md': '# Here\n' };
    const md =
      '# Top\n[ok](b.md#here) [gone](c.md) [bad](b.md#there) [self](#top) [selfbad](#nowhere) [web](https://x.org/y)';
    const broken = brokenLinks('/d/a.md', md, (p) => files[p]);
    expect(broken.map((b) => b.target)).toEqual(['c.md', 'b.md#there', '#nowhere']);
  });
});

describe('the environment scanner', () => {
  it('finds reads by dot, by quoted key and by template, and reports a variable key as dynamic', () => {
    const sample = [
      'const a = process.env.PORT ?? 3000;',
      "const b = env['LOG_LEVEL'];",
      'const c = o.env?.MILLRACE_DATA;',
      'const d = millraceEnv.MILLRACE_SQLITE_SYNC;',
      'const e = env[`MES_${plant}_API_KEY`];',
      'const f = env[name];',
      'const g = env.get(x); const h = environment.NOT_ENV; const i = someEnvelope.X_Y;',
    ].join('\n');
    const { reads, dynamic } = envReads(sample);
    expect(reads.map((r) => r.name)).toEqual([
      'PORT',
      'LOG_LEVEL',
      'MILLRACE_DATA',
      'MILLRACE_SQLITE_SYNC',
      'MES_<plant>_API_KEY',
    ]);
    expect(reads.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    expect(dynamic).toEqual([{ expression: 'name', line: 6 }]);
  });

  it('takes a template name as documented by a placeholder or an instance, a plain name only as a whole word', () => {
    const template = { name: 'MES_<plant>_API_KEY', line: 1, template: true };
    expect(documents('`MES_<PLANT>_API_KEY`', template)).toBe(true);
    expect(documents('MES_P100_API_KEY', template)).toBe(true);
    expect(documents('MES_API_KEY', template)).toBe(false);
    expect(documents('MILLRACE_DATA_DIR', { name: 'MILLRACE_DATA', line: 1 })).toBe(false);
    expect(documents('| `MILLRACE_DATA` |', { name: 'MILLRACE_DATA', line: 1 })).toBe(true);
  });
});

describe('the documentation', () => {
  it('has no broken relative link or anchor in README.md and docs/', () => {
    const broken = docFiles(root).flatMap((file) => brokenLinks(file, readFileSync(file, 'utf8'), readTarget));
    expect(broken.map((b) => `${relative(root, b.file)}:${b.line} ${b.target}: ${b.problem}`)).toEqual([]);
  });

  it('names in docs/operations.md every environment variable the code reads', () => {
    const ops = readFileSync(join(root, 'docs/operations.md'), 'utf8');
    const undocumented = new Set<string>();
    const unknownDynamic: string[] = [];
    let reads = 0;
    // The scanner's own file holds patterns, not reads.
    for (const file of sourceFiles(root, SOURCE_DIRS).filter((f) => f !== 'scripts/docs-check.ts')) {
      const found = envReads(readFileSync(join(root, file), 'utf8'));
      reads += found.reads.length;
      for (const r of found.reads) if (!documents(ops, r)) undocumented.add(`${r.name} (${file}:${r.line})`);
      for (const d of found.dynamic) {
        const known = DYNAMIC_READS.find((k) => k.file === file && k.expression === d.expression);
        if (!known) unknownDynamic.push(`${file}:${d.line} env[${d.expression}]`);
        else if (known.names !== 'secrets')
          for (const name of known.names)
            if (!documents(ops, { name, line: d.line })) undocumented.add(`${name} (${file}:${d.line})`);
      }
    }
    // The scan saw the code at all (a wrong root or pattern would pass vacuously).
    expect(reads).toBeGreaterThan(20);
    expect([...undocumented]).toEqual([]);
    expect(unknownDynamic).toEqual([]);
    // Secrets by name: the guide says where such a name is looked up.
    expect(ops).toMatch(/secrets store first, then the environment/i);
  });
});
