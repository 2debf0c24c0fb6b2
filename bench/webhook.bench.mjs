// Webhook pipeline benchmark: Millrace vs Node-RED 4.1 vs a bare relay (the ceiling), measured side
// by side in one run, on the method of the research note "durable-pipeline-prototype.md":
//   - the system under test (SUT) runs alone on core 0 (`taskset -c 0`);
//   - the sink and the load generator share core 1 (`taskset -c 1`);
//   - per concurrency (c=10, c=100): a warm-up, then a measured window; closed loop, exactly c in flight.
// Every SUT does the same work per request: take a ~1.2 KB MES batch-completion event, check its required
// fields, map it to a new object, route on a field, POST it to the sink (keep-alive) and answer 200
// with the sink's JSON. See bench/README.md for how to run it and read the output.
//
// Env: BENCH_SECONDS (measured window per run, default 10), BENCH_WARMUP_SECONDS (default 3),
// BENCH_QUICK=1 (1 s warm-up + 2 s window: a smoke run), BENCH_FULL_SYNC=0 (skip the Millrace row
// with MILLRACE_SQLITE_SYNC=full, one fsync per commit, which runs by default), MILLRACE_SYNC=<mode> (passed to Millrace as MILLRACE_SQLITE_SYNC),
// BENCH_SYSTEMS=relay,nodered,millrace (subset to run), BENCH_VERBOSE=1 (echo the SUTs' output),
// BENCH_ROUNDS=N (run every system N times, in turn, and report the median run of each: on a shared
// machine one system's speed moves by ±20 % within minutes, and interleaved rounds share the drift).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client, request } from 'undici';
import { eventBody, eventBytes, hasSinkAnswer } from './lib/event.mjs';
import { nodeRedInstall, writeNodeRedUserDir } from './lib/nodered.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LIB = fileURLToPath(new URL('./lib/', import.meta.url));
const FLOWS = join(ROOT, 'bench', 'flows');
const MILLRACE_BIN = join(ROOT, 'apps', 'cli', 'bin', 'millrace.mjs');

const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const WARMUP_S = Number(env.BENCH_WARMUP_SECONDS ?? (QUICK ? 1 : 3));
const MEASURE_S = Number(env.BENCH_SECONDS ?? (QUICK ? 2 : 10));
const CONCURRENCY = [10, 100];
const READY_TIMEOUT_MS = { relay: 10_000, nodered: 30_000, millrace: 15_000 };
const VERBOSE = env.BENCH_VERBOSE === '1';
const ROUNDS = Number(env.BENCH_ROUNDS ?? 1);
const SYSTEMS = (env.BENCH_SYSTEMS ?? 'relay,nodered,millrace').split(',').map((s) => s.trim());
if (!(WARMUP_S >= 0) || !(MEASURE_S > 0)) throw new Error('BENCH_SECONDS / BENCH_WARMUP_SECONDS must be numbers');
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 20)
  throw new Error('BENCH_ROUNDS must be a whole number from 1 to 20');

// ---------------------------------------------------------------------------------------------
// Children: every process we start is recorded and killed (whole process group) on any exit.

const children = new Set();
let tmpRoot;

function killAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  children.clear();
  if (tmpRoot) rmSync(tmpRoot, { recursive: true, force: true });
  tmpRoot = undefined;
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}, stopping every child process`);
    killAll();
    process.exit(130);
  });
}
process.on('uncaughtException', (e) => {
  console.error('bench: harness error:', e);
  killAll();
  process.exit(1);
});

// CPU pinning: `taskset -c <core>` in front of every child, when taskset exists and both cores do.
let pinning = true;
let pinNote = 'SUT on core 0; load generator and sink on core 1';
if (spawnSync('taskset', ['-c', '1', 'true']).status !== 0) {
  pinning = false;
  const why =
    spawnSync('taskset', ['--version']).error !== undefined
      ? 'taskset is missing (install util-linux)'
      : `taskset -c 1 failed (${availableParallelism()} CPU(s) available; 2 are needed)`;
  pinNote = `NOT PINNED: ${why}; every process runs unpinned, so the SUT competes with the load generator and sink`;
} else {
  // Keep this (mostly idle) orchestrator off the SUT's core too.
  spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)]);
}

/** Spawns `node <args>` pinned to `core`, in its own process group, stdin kept open. */
function spawnNode(name, core, nodeArgs, options = {}) {
  const [cmd, args] = pinning
    ? ['taskset', ['-c', String(core), process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const child = spawn(cmd, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // own process group, so a kill reaches anything it starts
  });
  child.benchName = name;
  child.tail = [];
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.once('exit', () => children.delete(child));
  child.on('error', () => {});
  children.add(child);
  const keep = (line) => {
    child.tail.push(line);
    if (child.tail.length > 40) child.tail.shift();
    if (VERBOSE) console.error(`[${name}] ${line}`);
  };
  createInterface({ input: child.stderr }).on('line', keep);
  child.lines = createInterface({ input: child.stdout });
  if (options.keepStdout !== false) child.lines.on('line', keep);
  return child;
}

/** Stops a child: SIGTERM to its group, SIGKILL after 3 s; resolves once it is gone. */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const gone = await Promise.race([child.exited.then(() => true), sleep(3000).then(() => false)]);
  if (!gone) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
    await child.exited;
  }
}

/** Starts one of our own child scripts (sink, relay) and waits for its {"ready":true,port} line. */
function startOwn(name, core, script, args = []) {
  const child = spawnNode(name, core, [join(LIB, script), ...args], { keepStdout: false });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 10 s`)), 10_000);
    child.lines.on('line', (line) => {
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      if (msg.ready) {
        clearTimeout(timer);
        resolve({ child, port: msg.port });
      }
    });
    child.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? code}): ${child.tail.slice(-5).join(' | ')}`));
    });
  });
}

/** A free TCP port on 127.0.0.1, chosen by the kernel (random within the ephemeral range). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Probes of the SUT process: readiness, peak RSS, CPU time.

/**
 * Waits until `url` answers a valid event with 2xx and the sink's body (so the SUT is up AND
 * forwards to the sink). Rejects when the process exits or after timeoutMs.
 */
async function waitReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const target = new URL(url);
  let last = 'no answer yet';
  let exited = null;
  child.exited.then((r) => (exited = r));
  while (Date.now() < deadline) {
    if (exited) {
      const tail = child.tail
        .filter((l) => l.trim())
        .slice(-3)
        .join(' | ');
      throw new Error(
        `exited with ${exited.signal ?? `code ${exited.code}`} before answering: ${tail || '(no output)'}`,
      );
    }
    const client = new Client(target.origin, { headersTimeout: 2000, bodyTimeout: 2000 });
    try {
      const r = await client.request({
        method: 'POST',
        path: target.pathname,
        headers: { 'content-type': 'application/json' },
        body: eventBody(),
      });
      const text = await r.body.text();
      if (r.statusCode >= 200 && r.statusCode < 300 && hasSinkAnswer(text)) return;
      last = `HTTP ${r.statusCode} ${text.slice(0, 160)}`;
    } catch (e) {
      last = e.code ?? e.message;
    } finally {
      await client.close().catch(() => {});
    }
    await sleep(150);
  }
  throw new Error(`did not answer within ${timeoutMs / 1000} s (last: ${last})`);
}

/** VmHWM (peak resident set) of a process, in MB, or null. */
function peakRssMb(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
/** User + system CPU seconds used by a process so far (all threads), or null. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Busy and steal CPU seconds of cores 0 and 1 together, from /proc/stat (every process, ours or not). */
function machineSeconds() {
  try {
    let busy = 0;
    let steal = 0;
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^cpu([01]) (.*)$/.exec(line);
      if (!m) continue;
      // user nice system idle iowait irq softirq steal ...
      const [user, nice, system, , , irq, softirq, st] = m[2].trim().split(/\s+/).map(Number);
      busy += user + nice + system + irq + softirq;
      steal += st ?? 0;
    }
    return { busy: busy / CLK_TCK, steal: steal / CLK_TCK };
  } catch {
    return { busy: NaN, steal: NaN };
  }
}

async function sinkCount(sinkOrigin) {
  const r = await request(`${sinkOrigin}/count`);
  return (await r.body.json()).count;
}

// ---------------------------------------------------------------------------------------------
// One load run: the load generator on core 1 against `url` at concurrency c.

async function runLoad(url, c, sut, sinkOrigin, sinkPid) {
  const before = await sinkCount(sinkOrigin);
  const load = spawnNode(
    `load c=${c}`,
    1,
    [join(LIB, 'load.mjs'), JSON.stringify({ url, c, warmupMs: WARMUP_S * 1000, measureMs: MEASURE_S * 1000 })],
    { keepStdout: false },
  );
  // CPU seconds at the window's start and end: the SUT, core 1 (load generator + sink), and the
  // whole of cores 0-1 (so that what is left over is foreign load: other processes on the machine).
  let cpu0;
  let cpu1;
  let result;
  const sample = () => {
    const m = machineSeconds();
    return {
      sut: cpuSeconds(sut.pid),
      core1: (cpuSeconds(load.pid) ?? NaN) + (cpuSeconds(sinkPid) ?? NaN),
      busy: m.busy,
      steal: m.steal,
    };
  };
  load.lines.on('line', (line) => {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (msg.phase === 'measure') cpu0 = sample();
    else if (msg.phase === 'done') cpu1 = sample();
    else if (msg.result) result = msg.result;
  });
  const timeout = (WARMUP_S + MEASURE_S + 30) * 1000;
  const outcome = await Promise.race([load.exited, sleep(timeout).then(() => 'timeout')]);
  if (outcome === 'timeout') {
    await stop(load);
    throw new Error(`the load generator did not finish within ${timeout / 1000} s`);
  }
  if (!result) throw new Error(`the load generator failed: ${load.tail.slice(-5).join(' | ')}`);
  const forwarded = (await sinkCount(sinkOrigin)) - before;
  const busy = (k) => (cpu0?.[k] != null && cpu1?.[k] != null ? (cpu1[k] - cpu0[k]) / result.seconds : null);
  const foreign = busy('busy') - busy('sut') - busy('core1');
  return {
    ...result,
    forwarded,
    sutCpu: busy('sut'),
    core1Cpu: busy('core1'),
    foreignCpu: Number.isFinite(foreign) ? Math.max(0, foreign) : null,
    stealCpu: busy('steal'),
    peakRss: peakRssMb(sut.pid),
    sutAlive: sut.exitCode === null,
  };
}

// ---------------------------------------------------------------------------------------------
// The systems under test. Each start() returns { child, url }; the child runs on core 0.

function millraceSystem(label, extraEnv) {
  return {
    key: 'millrace',
    label,
    async start(sinkOrigin) {
      const dir = join(tmpRoot, label.replace(/\W+/g, '-'));
      const data = join(dir, 'data');
      mkdirSync(data, { recursive: true });
      const profile = join(dir, 'bench.profile.json');
      writeFileSync(
        profile,
        JSON.stringify({
          schemaVersion: 1,
          plant: 'BENCH',
          name: 'Benchmark (sink on 127.0.0.1)',
          connections: {
            // maxConnections: the same connection budget as the relay and Node-RED (unbounded
            // keep-alive agent), so c=100 is not capped by the default of 16.
            sink: { type: 'http', baseUrl: sinkOrigin, auth: { kind: 'none' }, maxConnections: 128 },
          },
        }),
      );
      const port = await freePort();
      const child = spawnNode(
        label,
        0,
        [
          '--no-node-snapshot',
          // BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles Millrace under load.
          ...(env.BENCH_NODE_FLAGS ? env.BENCH_NODE_FLAGS.split(' ') : []),
          MILLRACE_BIN,
          'serve',
          '--headless',
          '--flows',
          FLOWS,
          '--profile',
          profile,
          '--port',
          String(port),
          '--data',
          data,
        ],
        { env: extraEnv },
      );
      return { child, url: `http://127.0.0.1:${port}/hooks/bench/bench`, timeoutMs: READY_TIMEOUT_MS.millrace };
    },
  };
}

let nodeRed;
try {
  nodeRed = nodeRedInstall();
} catch {
  nodeRed = null; // reported as "not available" below, the other systems still run
}
const benchFlow = JSON.parse(readFileSync(join(FLOWS, 'bench.flow.json'), 'utf8'));
const millraceEnv = {};
if (env.MILLRACE_SYNC) millraceEnv.MILLRACE_SQLITE_SYNC = env.MILLRACE_SQLITE_SYNC ?? env.MILLRACE_SYNC;
const millraceMode = millraceEnv.MILLRACE_SQLITE_SYNC ?? env.MILLRACE_SQLITE_SYNC;

const systems = [
  {
    key: 'relay',
    label: 'relay (ceiling)',
    async start(sinkOrigin) {
      const { child, port } = await startOwn('relay', 0, 'relay.mjs', [sinkOrigin]);
      return { child, url: `http://127.0.0.1:${port}/bench`, timeoutMs: READY_TIMEOUT_MS.relay };
    },
  },
  {
    key: 'nodered',
    label: nodeRed ? `Node-RED ${nodeRed.version}` : 'Node-RED',
    async start(sinkOrigin) {
      if (!nodeRed) throw new Error('node-red is not installed (it is a root devDependency: run npm install)');
      const userDir = join(tmpRoot, 'node-red');
      mkdirSync(userDir, { recursive: true });
      const port = await freePort();
      const settings = writeNodeRedUserDir(userDir, { port, flow: benchFlow, sinkUrl: `${sinkOrigin}/sink` });
      const child = spawnNode('node-red', 0, [nodeRed.redJs, '--settings', settings, '--userDir', userDir], {
        env: { NODE_RED_DISABLE_TELEMETRY: '1' },
        cwd: userDir,
      });
      return { child, url: `http://127.0.0.1:${port}/bench`, timeoutMs: READY_TIMEOUT_MS.nodered };
    },
  },
  millraceSystem(millraceMode ? `Millrace (sync=${millraceMode})` : 'Millrace', millraceEnv),
];
// The mode that syncs every commit to disk is part of the default run: its cost is what an
// operator weighs before choosing it (MILLRACE_SQLITE_SYNC=full). BENCH_FULL_SYNC=0 skips it.
if (env.BENCH_FULL_SYNC !== '0') {
  systems.push({
    ...millraceSystem('Millrace (sync=full)', { MILLRACE_SQLITE_SYNC: 'full', MILLRACE_SYNC: 'full' }),
    key: 'millrace-full',
  });
}

// ---------------------------------------------------------------------------------------------
// Main.

const fmt = (v, digits = 0) => (v == null || Number.isNaN(v) ? '–' : v.toFixed(digits));
const round = (v, digits) => (v == null ? null : Number(v.toFixed(digits)));

tmpRoot = mkdtempSync(join(tmpdir(), 'millrace-bench-'));
const selected = systems.filter(
  (s) => SYSTEMS.includes(s.key) || (s.key === 'millrace-full' && SYSTEMS.includes('millrace')),
);
const perRun = WARMUP_S + MEASURE_S;
console.log(
  `webhook bench: ${selected.map((s) => s.label).join(', ')}; c=${CONCURRENCY.join(',')}; ` +
    `${WARMUP_S} s warm-up + ${MEASURE_S} s measured per run` +
    (ROUNDS > 1 ? `, ${ROUNDS} rounds (median run reported)` : '') +
    ` (about ${Math.ceil(ROUNDS * selected.length * (CONCURRENCY.length * (perRun + 1) + 5) + 10)} s)`,
);
console.log(`  Node ${process.version}; event ${eventBytes} bytes, unique eventId per request`);
console.log(pinning ? `  ${pinNote}` : `  WARNING: ${pinNote}`);
if (QUICK) console.log('  BENCH_QUICK=1: a smoke run. Node-RED needs a longer warm-up; do not quote these numbers.');

const { child: sink, port: sinkPort } = await startOwn('sink', 1, 'sink.mjs');
const sinkOrigin = `http://127.0.0.1:${sinkPort}`;

const results = {}; // key → { label, runs: { [c]: result (the median round) }, rounds: { [c]: result[] }, error }
for (const system of selected) results[system.key] = { label: system.label, runs: {}, rounds: {}, error: null };
for (let round = 1; round <= ROUNDS; round++) {
  if (ROUNDS > 1) console.log(`  round ${round} of ${ROUNDS}`);
  for (const system of selected) {
    const entry = results[system.key];
    if (entry.error) continue; // a system that failed once is not tried again
    await measureSystem(system, entry);
  }
}
/** The middle item by `key` (the lower of the two middle ones for an even count: a real run, not a mean). */
function median(items, key = (x) => x) {
  return [...items].sort((a, b) => key(a) - key(b))[(items.length - 1) >> 1];
}
// The median round by req/s, whole (its latencies and CPU with it), so a row is one real run.
for (const entry of Object.values(results)) {
  for (const [c, runs] of Object.entries(entry.rounds)) entry.runs[c] = median(runs, (r) => r.rps);
}

async function measureSystem(system, entry) {
  let sut;
  try {
    const started = await system.start(sinkOrigin);
    sut = started.child;
    const t0 = Date.now();
    await waitReady(started.url, sut, started.timeoutMs);
    console.log(`  ${system.label}: answering after ${((Date.now() - t0) / 1000).toFixed(1)} s (${started.url})`);
    for (const c of CONCURRENCY) {
      const r = await runLoad(started.url, c, sut, sinkOrigin, sink.pid);
      (entry.rounds[c] ??= []).push(r);
      const warn = [];
      if (r.errors) warn.push(`${r.errors} errors (first: ${r.firstError})`);
      if (r.forwarded < r.totalOk) warn.push(`only ${r.forwarded} of ${r.totalOk} answers reached the sink`);
      if (!r.sutAlive) warn.push('the SUT process died during the run');
      if (r.foreignCpu > 0.1) warn.push(`other processes used ${fmt(r.foreignCpu, 2)} cores meanwhile`);
      if (r.stealCpu > 0.05) warn.push(`the hypervisor stole ${fmt(r.stealCpu, 2)} cores`);
      console.log(
        `    c=${c}: ${fmt(r.rps)} req/s, p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms` +
          (warn.length ? `  WARNING: ${warn.join('; ')}` : ''),
      );
      if (!r.sutAlive) throw new Error('the process died during the load run');
    }
  } catch (e) {
    entry.error = e.message;
    const what = system.key === 'millrace' ? '; the Millrace fields of the JSON line are null' : '';
    console.log(`  ${system.label}: NOT AVAILABLE: ${e.message}${what}`);
  } finally {
    if (sut) await stop(sut);
  }
}
await stop(sink);

// The table.
const rows = [
  ['system', 'c', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'peak RSS MB', 'SUT cores', 'load+sink cores', 'other cores'],
];
for (const entry of Object.values(results)) {
  if (entry.error && Object.keys(entry.runs).length === 0) {
    rows.push([entry.label, 'not available']); // printed across the columns
    continue;
  }
  for (const c of CONCURRENCY) {
    const r = entry.runs[c];
    rows.push([
      entry.label,
      String(c),
      fmt(r?.rps),
      fmt(r?.p50, 2),
      fmt(r?.p99, 2),
      r ? String(r.errors) : '–',
      fmt(r?.peakRss),
      fmt(r?.sutCpu, 2),
      fmt(r?.core1Cpu, 2),
      fmt(r?.foreignCpu, 2),
    ]);
  }
}
const widths = rows[0].map((_, i) =>
  Math.max(...rows.filter((row) => row.length > 2 || i === 0).map((row) => row[i].length)),
);
console.log('');
for (const [i, row] of rows.entries()) {
  if (row.length === 2) {
    console.log(`${row[0].padEnd(widths[0])}  ${row[1]}`);
    continue;
  }
  console.log(row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}

const rps = (key, c) => results[key]?.runs[c]?.rps ?? null;
const p99 = (key, c) => results[key]?.runs[c]?.p99 ?? null;
const ratio = (a, b) => (a != null && b != null && b > 0 ? a / b : null);
console.log('');
for (const [a, b, label] of [
  ['millrace', 'nodered', 'Millrace / Node-RED'],
  ['millrace', 'relay', 'Millrace / relay   '],
  ['nodered', 'relay', 'Node-RED / relay   '],
  ...(results['millrace-full'] ? [['millrace-full', 'nodered', 'Millrace full-sync / Node-RED']] : []),
]) {
  const parts = CONCURRENCY.map((c) => {
    const q = ratio(rps(a, c), rps(b, c));
    return `c=${c}: ${q == null ? 'n/a' : `${q.toFixed(2)}×`}`;
  });
  console.log(`${label}  ${parts.join('   ')}`);
}
console.log('(throughput ratios at equal concurrency; n/a = a system was not available)');
if (ROUNDS > 1) {
  // Ratios within each round: the two systems ran minutes apart, so they share the machine's drift.
  for (const [key, label] of [
    ['millrace', 'Millrace'],
    ['millrace-full', 'Millrace full-sync'],
  ]) {
    for (const c of CONCURRENCY) {
      const m = results[key]?.rounds[c] ?? [];
      const n = results.nodered?.rounds[c] ?? [];
      const pairs = m.slice(0, n.length).map((r, i) => [r, n[i]]);
      if (pairs.length === 0) continue;
      const per = pairs.map(([a, b]) => a.rps / b.rps);
      const tail = pairs.map(([a, b]) => a.p99 / b.p99);
      console.log(
        `${label} / Node-RED by round, c=${c}: ${per.map((q) => `${q.toFixed(2)}×`).join(', ')} (median ${median(per).toFixed(2)}×)`,
      );
      console.log(
        `  p99 ${label} / Node-RED by round, c=${c}: ${tail.map((q) => q.toFixed(2)).join(', ')} (median ${median(tail).toFixed(2)})`,
      );
    }
  }
}
const disturbed = Object.values(results).flatMap((e) =>
  Object.values(e.rounds)
    .flat()
    .filter((r) => r.foreignCpu > 0.1 || r.stealCpu > 0.05 || r.errors > 0),
);
if (disturbed.length)
  console.log(
    `WARNING: ${disturbed.length} run(s) had errors or other load on the machine (see the lines above); repeat on an idle machine before quoting.`,
  );
if (!pinning) console.log(`WARNING: ${pinNote}`);

const c = 10;
console.log(
  JSON.stringify({
    millrace_rps: round(rps('millrace', c), 0),
    nodered_rps: round(rps('nodered', c), 0),
    relay_rps: round(rps('relay', c), 0),
    ratio_vs_nodered: round(ratio(rps('millrace', c), rps('nodered', c)), 3),
    ratio_vs_relay: round(ratio(rps('millrace', c), rps('relay', c)), 3),
    millrace_p99_ms: round(p99('millrace', c), 2),
    nodered_p99_ms: round(p99('nodered', c), 2),
    millrace_full_sync_rps: round(rps('millrace-full', c), 0),
    millrace_full_sync_p99_ms: round(p99('millrace-full', c), 2),
  }),
);

// Exit code: the baselines are under our control, so a missing relay or Node-RED number is a
// harness failure; Millrace not being available (yet) is reported but not a failure.
const baselinesOk = ['relay', 'nodered'].every((k) => !SYSTEMS.includes(k) || !results[k]?.error);
process.exitCode = baselinesOk ? 0 : 1;
process.exit(); // do not wait for idle keep-alive sockets to time out
