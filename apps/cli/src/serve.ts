import type { Flow, PlantProfile } from '@millrace/flow-model';
import { Ingress, LoadError, readFlows, readProfile, startRuntime } from '@millrace/runtime';
import { startServer } from '@millrace/server';
import { parseArgs, UsageError } from './args.ts';
import type { Io } from './io.ts';

export const SERVE_USAGE =
  'millrace serve [--headless] [--flows <dir|pack|flow.json> --profile <p.json>] [--port N] [--host H] [--data DIR]';

/**
 * `millrace serve --headless`: serves the flows' webhook triggers with no designer, until
 * SIGTERM or SIGINT, then stops taking requests, lets running steps finish and exits 0.
 */
export async function serveCommand(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const args = parseArgs(argv, { values: ['flows', 'profile', 'port', 'host', 'data', 'drain'], flags: ['headless'] });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}": ${SERVE_USAGE}`);
  const flowsPath = args.options.flows as string | undefined;
  const profilePath = args.options.profile as string | undefined;
  if (!args.options.headless) {
    if ((flowsPath === undefined) !== (profilePath === undefined))
      throw new UsageError(`--flows and --profile go together: ${SERVE_USAGE}`);
  } else if (!flowsPath || !profilePath) throw new UsageError(`--flows and --profile are required: ${SERVE_USAGE}`);
  const port = Number(args.options.port ?? env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number, not ${String(args.options.port ?? env.PORT)}`);
  const dataDir = (args.options.data as string | undefined) ?? env.MILLRACE_DATA ?? './data';
  const sync = env.MILLRACE_SQLITE_SYNC;
  if (sync !== undefined && sync !== 'normal' && sync !== 'full')
    throw new UsageError('MILLRACE_SQLITE_SYNC must be "normal" or "full"');

  let profile, flows;
  try {
    if (profilePath && flowsPath) {
      profile = readProfile(profilePath);
      flows = readFlows(flowsPath, profile, profilePath);
    }
  } catch (e) {
    if (e instanceof LoadError) {
      for (const line of e.message.split('\n')) io.err(line);
      return 2;
    }
    throw e;
  }
  if (!args.options.headless)
    return serveWithApi(io, env, { dataDir, port, host: args.options.host as string | undefined, flows, profile });
  if (!profile || !flows) throw new UsageError(`--flows and --profile are required: ${SERVE_USAGE}`);
  const runtime = await startRuntime({
    dataDir,
    flows,
    profile,
    sandboxLimits: sandboxLimitsFrom(env),
    ...(sync ? { synchronous: sync } : {}),
    ...(env.MILLRACE_LEASE_MS ? { engine: { leaseMs: Number(env.MILLRACE_LEASE_MS) } } : {}),
  });
  const ingress = new Ingress({
    engine: runtime.engine,
    routes: () => runtime.routes,
    port,
    host: (args.options.host as string | undefined) ?? '127.0.0.1',
  });
  let bound: number;
  try {
    bound = await ingress.listen();
  } catch (e) {
    await runtime.close();
    throw new UsageError(`cannot listen on port ${port}: ${(e as Error).message}`);
  }
  io.out(
    `millrace: serving ${flows.length} flow(s) for plant ${profile.plant} at http://${(args.options.host as string | undefined) ?? '127.0.0.1'}:${bound} (data ${dataDir}); webhooks: ${[...runtime.routes.keys()].join(', ') || 'none'}`,
  );
  const drainMs = Number(args.options.drain ?? 10) * 1000;
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  io.out('millrace: stopping');
  await ingress.close();
  const { commits, writes } = runtime.store.commitStats;
  await runtime.close({ drainMs });
  io.out(`millrace: stopped (${writes} writes in ${commits} transactions)`);
  return 0;
}

/** The operator's limits for user code: MILLRACE_SANDBOX_TIMEOUT_MS and MILLRACE_SANDBOX_MEMORY_MB. */
export function sandboxLimitsFrom(env: NodeJS.ProcessEnv): { timeoutMs?: number; memoryMb?: number } {
  const out: { timeoutMs?: number; memoryMb?: number } = {};
  for (const [name, key, min] of [
    ['MILLRACE_SANDBOX_TIMEOUT_MS', 'timeoutMs', 1],
    ['MILLRACE_SANDBOX_MEMORY_MB', 'memoryMb', 8],
  ] as const) {
    const raw = env[name];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new UsageError(`${name} must be a whole number of at least ${min}, not "${raw}"`);
    out[key] = n;
  }
  return out;
}

/**
 * `millrace serve` without --headless: the server (API, auth, operations) with the engine and
 * its webhooks on one port; the flows given are served from the start.
 */
async function serveWithApi(
  io: Io,
  env: NodeJS.ProcessEnv,
  o: { dataDir: string; port: number; host: string | undefined; flows?: Flow[]; profile?: PlantProfile },
): Promise<number> {
  let server;
  try {
    server = await startServer({
      dataDir: o.dataDir,
      port: o.port,
      env,
      ...(o.host ? { host: o.host } : {}),
      ...(o.flows && o.profile ? { flows: o.flows, profile: o.profile } : {}),
    });
  } catch (e) {
    throw new UsageError(`cannot start the server: ${(e as Error).message}`);
  }
  io.out(`millrace: server at ${server.url} (API reference ${server.url}/api/docs; data ${o.dataDir})`);
  if (server.admin?.generated)
    io.out(`millrace: created user "admin" with the one-time password ${server.admin.password} — log in and change it`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  io.out('millrace: stopping');
  await server.close();
  io.out('millrace: stopped');
  return 0;
}
