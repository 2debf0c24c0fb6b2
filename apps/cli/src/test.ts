import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { catalog } from '@millrace/flow-nodes/catalog';
import {
  flowTestsFileOf,
  loadFlow,
  loadFlowTests,
  loadPack,
  loadProfile,
  MANIFEST_FILE,
  type Flow,
  type FlowTests,
  type PlantProfile,
  type Problem,
} from '@millrace/flow-model';
import { runFlowTests, type FlowTestsResult } from '@millrace/testing';
import { parseArgs, UsageError } from './args.ts';
import { isDirectory, readPackFolder } from './files.ts';
import type { Io } from './io.ts';
import { formatProblem } from './validate.ts';

export const TEST_USAGE = 'millrace test <pack-dir|flow.json|dir> [--profile p.json] [--only TEXT] [--json]';

interface Suite {
  readonly file: string;
  readonly flow: Flow;
  readonly tests: FlowTests;
  readonly profile?: PlantProfile;
}

/**
 * `millrace test`: runs the flows' test cases (`<flow-id>.tests.json`, docs/flow-tests.md) on a
 * real engine with canned answers for the connections. Exit 0 when every case passed, 1 when one
 * failed or there was nothing to test, 2 for bad usage or a broken test file.
 */
export async function testCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, { values: ['profile', 'only'], flags: ['json'] });
  if (args.positionals.length !== 1) throw new UsageError(`expected one pack, flow file or folder: ${TEST_USAGE}`);
  const target = args.positionals[0]!;
  if (!existsSync(target)) throw new UsageError(`${target}: no such file or folder`);
  const profilePath = args.options.profile as string | undefined;
  const given = profilePath === undefined ? undefined : readProfile(profilePath, io);

  const suites = collect(target, given, io);
  if (suites.length === 0) {
    io.err(`millrace: no test cases in ${target} (a flow's cases live beside it as <flow-id>.tests.json)`);
    return 1;
  }
  const results: Array<FlowTestsResult & { file: string }> = [];
  for (const s of suites) {
    const result = await runFlowTests(s.flow, s.tests, {
      ...(s.profile ? { profile: s.profile } : {}),
      ...(args.options.only ? { only: args.options.only as string } : {}),
    });
    results.push({ ...result, file: s.file });
  }

  const cases = results.flatMap((r) => r.cases);
  const failed = cases.filter((c) => !c.ok).length;
  if (args.options.json) {
    io.out(
      JSON.stringify(
        {
          ok: failed === 0,
          passed: cases.length - failed,
          failed,
          flows: results.map((r) => ({
            flow: r.flow,
            file: r.file,
            ok: r.ok,
            cases: r.cases.map(({ trace: _t, ...c }) => c),
          })),
        },
        null,
        2,
      ),
    );
  } else {
    for (const r of results) {
      io.out(`${r.file} (flow ${r.flow})`);
      for (const c of r.cases) {
        io.out(`  ${c.ok ? '✓' : '✗'} ${c.name} (${c.durationMs} ms)`);
        for (const f of c.failures) io.out(`      ${f}`);
      }
    }
    io.out(`${cases.length - failed} passed, ${failed} failed`);
  }
  return failed === 0 && cases.length > 0 ? 0 : 1;
}

function collect(target: string, given: PlantProfile | undefined, io: Io): Suite[] {
  if (!isDirectory(target)) return [flowSuite(target, given, io)].filter((s): s is Suite => s !== undefined);
  if (existsSync(join(target, MANIFEST_FILE))) {
    const sha256 = (content: Uint8Array) => createHash('sha256').update(content).digest('hex');
    const files = readPackFolder(target);
    const pack = loadPack(files, { catalog, sha256 });
    if (!pack.ok) refuse(pack.problems.map((p) => ({ ...p, file: relative(io.cwd, join(target, p.file ?? '')) })));
    const listed = new Set(pack.value.manifest.tests ?? []);
    const unlisted = [...files.keys()].filter((f) => f.endsWith('.tests.json') && !listed.has(f));
    if (unlisted.length > 0)
      throw new UsageError(
        `${join(target, MANIFEST_FILE)} does not list ${unlisted.join(', ')} under "tests": add it, then run millrace pack seal`,
      );
    return pack.value.tests.map(({ path, tests }) => {
      const flow = pack.value.flows.find((f) => f.flow.id === tests.flow)!.flow;
      const wanted = tests.profile && join(dirname(path), tests.profile).split('\\').join('/');
      const profile = given ?? pack.value.profiles.find((p) => p.path === wanted)?.profile;
      if (wanted && !profile)
        throw new UsageError(`${join(target, path)}: profile ${tests.profile} is not one of the pack's profiles`);
      return { file: relative(io.cwd, join(target, path)), flow, tests, ...(profile ? { profile } : {}) };
    });
  }
  return readdirSync(target)
    .filter((name) => name.endsWith('.flow.json') && existsSync(join(target, flowTestsFileOf(name))))
    .sort()
    .map((name) => flowSuite(join(target, name), given, io)!);
}

/** A flow file and the tests beside it; undefined when it has none. */
function flowSuite(flowFile: string, given: PlantProfile | undefined, io: Io): Suite | undefined {
  const testsFile = join(dirname(flowFile), flowTestsFileOf(basename(flowFile)));
  if (!existsSync(testsFile)) return undefined;
  const loaded = loadFlow(readFileSync(flowFile, 'utf8'));
  if (!loaded.ok) refuse(loaded.problems.map((p) => ({ ...p, file: relative(io.cwd, flowFile) })));
  const tests = loadFlowTests(readFileSync(testsFile, 'utf8'), { flow: loaded.value });
  if (!tests.ok) refuse(tests.problems.map((p) => ({ ...p, file: relative(io.cwd, testsFile) })));
  const profile =
    given ?? (tests.value.profile ? readProfile(resolve(dirname(testsFile), tests.value.profile), io) : undefined);
  return {
    file: relative(io.cwd, testsFile),
    flow: loaded.value,
    tests: tests.value,
    ...(profile ? { profile } : {}),
  };
}

function readProfile(path: string, io: Io): PlantProfile {
  if (!existsSync(path)) throw new UsageError(`${path}: no such profile`);
  const loaded = loadProfile(readFileSync(path, 'utf8'), { catalog });
  if (!loaded.ok) refuse(loaded.problems.map((p) => ({ ...p, file: relative(io.cwd, path) })));
  return loaded.value;
}

function refuse(problems: readonly Problem[]): never {
  throw new UsageError(problems.map(formatProblem).join('\n'));
}
