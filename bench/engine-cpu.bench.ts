// CPU cost per request of the engine path, in process, without the HTTP ingress and without the
// load generator's noise: the bench flow's steps (validate → map → route → http.request →
// respond, journaled in SQLite) driven through engine.accept with c requests in flight, against a
// sink in a child process. Baseline in the same process: the same POST to the sink done directly
// with undici (what a hand-written relay spends on the outbound call). CPU time, not wall time,
// so other load on the machine disturbs it far less than a req/s figure.
//
// Usage: node --no-node-snapshot --import tsx bench/engine-cpu.bench.ts   (BENCH_REQUESTS=N)
// BENCH_CPU_PROFILE=file.cpuprofile also writes a V8 CPU profile of the measured engine loop only
// (no start-up, no warm-up, no direct POSTs), to open in Chrome DevTools or analyse by script.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { readFlows, startRuntime } from '@millrace/runtime';
import type { PlantProfile } from '@millrace/flow-model';
import { eventBody } from './lib/event.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.BENCH_REQUESTS ?? 20_000);
const C = 10;

const sink = spawn(process.execPath, [join(here, 'lib/sink.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
const sinkPort = await new Promise<number>((resolve) =>
  sink.stdout!.once('data', (d: Buffer) =>
    resolve((JSON.parse(d.toString().split('\n')[0]!) as { port: number }).port),
  ),
);
const dir = mkdtempSync(join(tmpdir(), 'millrace-cpu-'));
const profile: PlantProfile = {
  schemaVersion: 1,
  plant: 'BENCH',
  name: 'bench',
  connections: {
    sink: {
      type: 'http',
      baseUrl: `http://127.0.0.1:${sinkPort}`,
      auth: { kind: 'none' },
      maxConnections: 128,
    } as never,
  },
};
const runtime = await startRuntime({
  dataDir: dir,
  flows: readFlows(join(here, 'flows'), profile, 'bench profile'),
  profile,
});

async function closedLoop(total: number, one: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = process.cpuUsage();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < total) await one(next++);
    }),
  );
  const used = process.cpuUsage(start);
  return (used.user + used.system) / total;
}

const viaEngine = async () => {
  const accepted = await runtime.engine.accept('bench', { payloadText: eventBody() }, { replyTimeoutMs: 10_000 });
  const outcome = await accepted.reply!;
  if (outcome.kind !== 'reply' || outcome.reply.status !== 200)
    throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
};
const pool = new Pool(`http://127.0.0.1:${sinkPort}`, { connections: C });
const direct = async () => {
  const res = await pool.request({
    method: 'POST',
    path: '/sink',
    headers: { 'content-type': 'application/json' },
    body: eventBody(),
  });
  JSON.parse(await res.body.text());
};

await closedLoop(2000, viaEngine); // warm-up: JIT, isolates, SQLite cache
await closedLoop(2000, direct);
const profileFile = process.env.BENCH_CPU_PROFILE;
const session = profileFile ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const engineUs = await closedLoop(N, viaEngine);
if (session) {
  const { profile: cpuProfile } = await session.post('Profiler.stop');
  writeFileSync(profileFile!, JSON.stringify(cpuProfile));
  session.disconnect();
}
const directUs = await closedLoop(N, direct);
const { commits, writes } = runtime.store.commitStats;
await runtime.close();
await pool.close();
sink.kill();
rmSync(dir, { recursive: true, force: true });

console.log(
  `engine path: ${engineUs.toFixed(0)} µs CPU per request (${N} requests, c=${C}; ${(writes / commits).toFixed(1)} writes per commit)`,
);
console.log(`direct POST: ${directUs.toFixed(0)} µs CPU per request (the outbound call alone)`);
console.log(`ratio engine/direct: ${(engineUs / directUs).toFixed(2)}×`);
console.log(
  JSON.stringify({
    engine_cpu_us_per_request: Math.round(engineUs),
    direct_cpu_us_per_request: Math.round(directUs),
    ratio: Number((engineUs / directUs).toFixed(2)),
  }),
);
