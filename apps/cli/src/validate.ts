import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { catalog } from '@millrace/flow-nodes/catalog';
import { loadFlow, loadPack, loadProfile, validateFlowPublishable, type Problem } from '@millrace/flow-model';
import { parseArgs, UsageError } from './args.ts';
import { isDirectory, readPackFolder } from './files.ts';
import type { Io } from './io.ts';

export const VALIDATE_USAGE = 'millrace validate <flow.json|pack-dir> [--profile p.json] [--json]';

const sha256 = (content: Uint8Array) => createHash('sha256').update(content).digest('hex');

/**
 * `millrace validate`: checks a flow (at publishable level, against a profile when given) or a
 * whole pack folder. One line per problem with its file and pointer; exit 1 when any, else 0.
 */
export function validateCommand(argv: readonly string[], io: Io): number {
  const args = parseArgs(argv, { values: ['profile'], flags: ['json'] });
  if (args.positionals.length !== 1) throw new UsageError(`expected one flow file or pack folder: ${VALIDATE_USAGE}`);
  const target = args.positionals[0]!;
  const profilePath = args.options.profile as string | undefined;
  if (!existsSync(target)) throw new UsageError(`${target}: no such file or folder`);
  if (profilePath !== undefined && !existsSync(profilePath)) throw new UsageError(`${profilePath}: no such file`);

  let problems: Problem[];
  let summary: string;
  if (isDirectory(target)) {
    if (profilePath !== undefined)
      throw new UsageError('--profile applies to a single flow; a pack brings its own profiles');
    const result = loadPack(readPackFolder(target), { catalog, sha256 });
    problems = result.ok
      ? []
      : result.problems.map((p) => ({ ...p, file: relative(io.cwd, join(target, p.file ?? '')) }));
    summary = result.ok
      ? `pack ${result.value.manifest.name} ${result.value.manifest.version} is valid: ${result.value.flows.length} flow(s), ${result.value.profiles.length} profile(s)`
      : '';
  } else {
    const flowFile = relative(io.cwd, target);
    const loaded = loadFlow(readFileSync(target, 'utf8'));
    if (!loaded.ok) {
      problems = loaded.problems.map((p) => ({ ...p, file: flowFile }));
      summary = '';
    } else {
      const flow = loaded.value;
      let profile;
      problems = [];
      if (profilePath !== undefined) {
        const p = loadProfile(readFileSync(profilePath, 'utf8'), { catalog });
        if (p.ok) profile = p.value;
        else problems.push(...p.problems.map((x) => ({ ...x, file: relative(io.cwd, profilePath) })));
      }
      problems.push(
        ...validateFlowPublishable(flow, {
          catalog,
          ...(profile ? { profile, profileFile: relative(io.cwd, profilePath!) } : {}),
        }).map((p) => ({ ...p, file: p.file ?? flowFile })),
      );
      summary = `flow ${flow.id} ${flow.version} is valid (${flow.nodes.length} nodes${profile ? `, plant ${profile.plant}` : ''})`;
    }
  }

  if (args.options.json) {
    io.out(JSON.stringify({ valid: problems.length === 0, problems }, null, 2));
  } else if (problems.length === 0) {
    io.out(summary);
  } else {
    for (const p of problems) io.out(formatProblem(p));
    const files = new Set(problems.map((p) => p.file)).size;
    io.err(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`);
  }
  return problems.length === 0 ? 0 : 1;
}

/** `file#/pointer (node n2): message` — the pointer as RFC 6901 fragment, root as `#`. */
export function formatProblem(p: Problem): string {
  return `${p.file ?? ''}#${p.pointer}${p.nodeId ? ` (node ${p.nodeId})` : ''}: ${p.message}`;
}
