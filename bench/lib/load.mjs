// The load generator: a closed loop of exactly `c` requests in flight over an undici Pool of `c`
// keep-alive connections. Each of the c workers sends one request, waits for the whole answer, and
// sends the next. A warm-up comes first (nothing recorded); then every request that completes in
// the measured window has its latency recorded; requests still in flight when the window closes
// are awaited but not counted.
//
// Usage: node load.mjs '<json: { url, c, warmupMs, measureMs }>'. Run pinned to core 1.
// stdout: {"phase":"measure"} when the window opens, {"phase":"done"} when it closes, then one
// result line {"result":{...}}.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { exitWithParent } from './child.mjs';
import { eventBody, hasSinkAnswer } from './event.mjs';

const { url, c, warmupMs, measureMs } = JSON.parse(process.argv[2]);
const target = new URL(url);
const pool = new Pool(target.origin, {
  connections: c,
  pipelining: 1,
  keepAliveTimeout: 60_000,
  headersTimeout: 10_000,
  bodyTimeout: 10_000,
});
const headers = { 'content-type': 'application/json' };

let phase = 'warmup'; // → 'measure' → 'stop'
let latencies = new Float64Array(1 << 16);
let n = 0; // latencies recorded
const counts = { ok: 0, non2xx: 0, badBody: 0, failed: 0, totalOk: 0 };
const statuses = {};
let firstError;

function record(ms) {
  if (n === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[n++] = ms;
}

async function worker() {
  while (phase !== 'stop') {
    const inWindow = phase === 'measure';
    const t0 = performance.now();
    try {
      const { statusCode, body } = await pool.request({
        method: 'POST',
        path: target.pathname,
        headers,
        body: eventBody(),
      });
      const text = await body.text();
      const ms = performance.now() - t0;
      const good = statusCode >= 200 && statusCode < 300;
      if (good && hasSinkAnswer(text)) counts.totalOk++;
      if (!inWindow || phase !== 'measure') continue; // started in warm-up or finished after the window
      if (!good) {
        counts.non2xx++;
        statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
        firstError ??= `HTTP ${statusCode}: ${text.slice(0, 200)}`;
      } else if (!hasSinkAnswer(text)) {
        counts.badBody++;
        firstError ??= `200 without the sink's answer: ${text.slice(0, 200)}`;
      } else {
        counts.ok++;
        record(ms);
      }
    } catch (e) {
      if (inWindow && phase === 'measure') counts.failed++;
      firstError ??= `${e.code ?? e.name}: ${e.message}`;
      await sleep(10); // a dead server must not turn this into a busy loop
    }
  }
}

exitWithParent();
const workers = Array.from({ length: c }, worker);
await sleep(warmupMs);
phase = 'measure';
process.stdout.write('{"phase":"measure"}\n');
const start = performance.now();
await sleep(measureMs);
phase = 'stop';
const elapsed = (performance.now() - start) / 1000;
process.stdout.write('{"phase":"done"}\n');
await Promise.all(workers);
await pool.close();

const sorted = latencies.subarray(0, n).sort();
const pct = (p) => (n === 0 ? null : sorted[Math.min(n - 1, Math.ceil((p / 100) * n) - 1)]);
let sum = 0;
for (let i = 0; i < n; i++) sum += sorted[i];
const result = {
  c,
  seconds: elapsed,
  requests: n,
  rps: n / elapsed,
  p50: pct(50),
  p90: pct(90),
  p99: pct(99),
  p999: pct(99.9),
  max: n ? sorted[n - 1] : null,
  mean: n ? sum / n : null,
  errors: counts.non2xx + counts.badBody + counts.failed,
  ...counts,
  statuses,
  firstError: firstError ?? null,
};
process.stdout.write(JSON.stringify({ result }) + '\n');
process.exit(0);
