import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { timeOfId, type DeadLetter, type RunRecord, type RunStatus } from '@millrace/engine';
import { SqliteStore } from '@millrace/store-sqlite';
import { parseArgs, UsageError } from './args.ts';
import type { Io } from './io.ts';

export const RUNS_USAGE = 'millrace runs list [--status S] [--flow ID] [--limit N] [--data DIR] [--json]';
export const DEAD_LETTERS_USAGE =
  'millrace dead-letters list|replay|discard [<id>...|--all] [--reason TEXT] [--by NAME] [--data DIR] [--json]';

const RUN_STATUSES: readonly RunStatus[] = ['held', 'running', 'succeeded', 'dead_lettered', 'discarded'];

/**
 * Opens the runtime's store next to a running `serve` (SQLite in WAL mode lets both work on the
 * file). Replays made here are picked up by the serving process, which claims ready steps.
 */
function openStore(args: { options: Record<string, string | true> }, env: NodeJS.ProcessEnv): SqliteStore {
  const dir = (args.options.data as string | undefined) ?? env.MILLRACE_DATA ?? './data';
  const file = join(dir, 'millrace.db');
  if (!existsSync(file)) throw new UsageError(`${file}: no such database; pass --data with the folder a runtime used`);
  return new SqliteStore(file);
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

export async function runsCommand(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'list') throw new UsageError(`expected "list": ${RUNS_USAGE}`);
  const args = parseArgs(rest, { values: ['status', 'flow', 'limit', 'data'], flags: ['json'] });
  const status = args.options.status as RunStatus | undefined;
  if (status !== undefined && !RUN_STATUSES.includes(status))
    throw new UsageError(`--status must be one of ${RUN_STATUSES.join(', ')}`);
  const limit = Number(args.options.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
  const store = openStore(args, env);
  try {
    const runs = await store.listRuns({
      ...(status ? { status } : {}),
      ...(args.options.flow ? { flowId: args.options.flow as string } : {}),
      limit,
    });
    if (args.options.json) io.out(JSON.stringify(runs.map(runJson), null, 2));
    else
      for (const r of runs)
        io.out(
          `${r.id}  ${r.status.padEnd(13)}  ${r.flowId}@${r.flowVersion}  ${iso(timeOfId(r.id))}  ${r.businessKeysText ?? ''}`,
        );
    return 0;
  } finally {
    await store.close();
  }
}

function runJson(r: RunRecord) {
  return {
    id: String(r.id),
    flow: r.flowId,
    version: r.flowVersion,
    plant: r.plant,
    status: r.status,
    acceptedAt: iso(timeOfId(r.id)),
    endedAt: iso(r.endedAt) || null,
    businessKeys: r.businessKeysText === null ? null : JSON.parse(r.businessKeysText),
    duplicates: r.duplicates,
  };
}

function dlJson(d: DeadLetter) {
  return {
    ...d,
    id: String(d.id),
    runId: String(d.runId),
    payload: JSON.parse(d.payloadText),
    attempts: d.attempts.map((a) => ({ ...a, error: JSON.parse(a.errorText) })),
  };
}

export async function deadLettersCommand(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'list' && sub !== 'replay' && sub !== 'discard')
    throw new UsageError(`expected list, replay or discard: ${DEAD_LETTERS_USAGE}`);
  const args = parseArgs(rest, { values: ['reason', 'by', 'data', 'flow', 'limit'], flags: ['json', 'all'] });
  const store = openStore(args, env);
  try {
    if (sub === 'list') {
      const list = await store.listDeadLetters({
        status: 'open',
        ...(args.options.flow ? { flowId: args.options.flow as string } : {}),
        limit: Number(args.options.limit ?? 100),
      });
      if (args.options.json) io.out(JSON.stringify(list.map(dlJson), null, 2));
      else
        for (const d of list)
          io.out(
            `${d.id}  run ${d.runId}  ${d.flowId}@${d.flowVersion}  node ${d.nodeId}  ${d.code}: ${d.reason}  (${d.attempts.length} attempt(s))`,
          );
      return 0;
    }
    const reason = args.options.reason;
    if (typeof reason !== 'string' || !reason.trim())
      throw new UsageError(`--reason is required: every ${sub} is recorded with why`);
    const by = (args.options.by as string | undefined) ?? env.USER ?? 'cli';
    const ids = args.options.all
      ? (await store.listDeadLetters({ status: 'open', limit: 100_000 })).map((d) => d.id)
      : args.positionals.map((p) => {
          if (!/^\d+$/.test(p)) throw new UsageError(`"${p}" is not a dead-letter id`);
          return Number(p);
        });
    if (ids.length === 0)
      throw new UsageError(
        args.options.all ? 'there is no open dead letter' : `name the dead letters to ${sub}, or pass --all`,
      );
    let failed = 0;
    for (const id of ids) {
      try {
        if (sub === 'replay')
          await store.replay({
            dlqId: id,
            flowVersion: (await store.getDeadLetter(id))?.flowVersion ?? '',
            reason,
            by,
            leaseTo: null,
            now: Date.now(),
          });
        else await store.discard(id, reason, by, Date.now());
        io.out(`${sub === 'replay' ? 'replayed' : 'discarded'} ${id}`);
      } catch (e) {
        failed++;
        io.err(`millrace: dead letter ${id}: ${(e as Error).message}`);
      }
    }
    return failed === 0 ? 0 : 1;
  } finally {
    await store.close();
  }
}
