/**
 * Sandbox micro-benchmark. Run from the repo root:
 *   node --no-node-snapshot --import tsx packages/sandbox/bench-sandbox.ts [--budget]
 * Prints µs per call (awaited one at a time, as the engine does) for a mapping over a ~1 KB
 * message and for evaluate with 3 route conditions; --budget also measures how long a runaway
 * call blocks the event loop for several sync budgets.
 */
import ivm from 'isolated-vm';
import { createInProcessSandbox, createIsolatedVmSandbox, scopeJson } from './src/index.ts';
import type { Sandbox } from './src/index.ts';

const payload = {
  orderId: 'PO-4711-000123',
  plant: '1000',
  createdAt: '2024-03-01T08:15:00+01:00',
  customer: { id: 'C-88231', name: 'Rhein Stahl GmbH', country: 'DE' },
  items: Array.from({ length: 6 }, (_, i) => ({
    line: (i + 1) * 10,
    sku: `MAT-${1000 + i}`,
    description: `Cold rolled sheet ${i + 1} mm`,
    qty: 12 + i,
    unit: 'PCE',
    price: `${(19.9 + i * 3.05).toFixed(2)}`,
  })),
  notes: 'Deliver to gate 4; call ahead.',
};
const messageJson = JSON.stringify({ payload, headers: { 'content-type': 'application/json' } });
const scope = scopeJson(messageJson, JSON.stringify({ defaultWarehouse: 'WH-01', now: '2024-03-01T09:00:00Z' }));

const mapping = `
const p = msg.payload;
return {
  id: p.orderId,
  plant: p.plant,
  customer: p.customer.id,
  warehouse: params.defaultWarehouse,
  lines: p.items.map((it) => ({ pos: it.line, material: it.sku, quantity: it.qty, uom: it.unit, price: it.price })),
};`;
const conditions = [
  'msg.payload.plant === "1000"',
  'msg.payload.items.length > 5',
  'msg.payload.customer.country !== "DE"',
];

async function timeAwaited(label: string, n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(2000, n); i++) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  const us = Number(process.hrtime.bigint() - start) / 1e3 / n;
  console.log(`${label.padEnd(58)} ${us.toFixed(2).padStart(7)} µs/call  ${Math.round(1e6 / us)} calls/s`);
  return us;
}

function timeSync(label: string, n: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(2000, n); i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const us = Number(process.hrtime.bigint() - start) / 1e3 / n;
  console.log(`${label.padEnd(58)} ${us.toFixed(2).padStart(7)} µs/call  ${Math.round(1e6 / us)} calls/s`);
  return us;
}

/** Raw isolated-vm with the same JSON-string protocol, no prelude: the floor we build on. */
function baseline(n: number): void {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  const context = isolate.createContextSync();
  const source = `(function (s) { const scope = JSON.parse(s); const msg = scope.msg, params = scope.params; return JSON.stringify((function(){${mapping}})()); })`;
  const ref = isolate.compileScriptSync(source).runSync(context, { reference: true }) as ivm.Reference<
    (s: string) => string
  >;
  timeSync('raw isolated-vm applySync, no timeout (floor)', n, () => ref.applySync(undefined, [scope]));
  timeSync('raw isolated-vm applySync, with a timeout', n, () => ref.applySync(undefined, [scope], { timeout: 1000 }));
  isolate.dispose();
}

async function suite(name: string, sandbox: Sandbox, n: number): Promise<void> {
  await timeAwaited(`${name} runFunction, 1 KB message`, n, () => sandbox.runFunction(mapping, scope));
  await timeAwaited(`${name} evaluate, 3 conditions`, n, () => sandbox.evaluate(conditions, scope));
  console.log(`${name} stats`, JSON.stringify(sandbox.stats()));
  await sandbox.close();
}

/** The longest gap between 1 ms ticks while `work` runs: how long the host event loop stood still. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  longest = 0;
  await work();
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(ticker);
  return longest;
}

/** Longest event-loop stall while a runaway call runs, per sync budget. */
async function budgetScan(): Promise<void> {
  console.log('\nsync budget: longest event-loop stall around a runaway call (timeoutMs 300), 5 runs each');
  for (const budget of [2, 5, 10, 20, 50]) {
    const sandbox = createIsolatedVmSandbox({ syncBudgetMs: budget });
    await sandbox.runFunction('return 1', scope);
    const stalls: number[] = [];
    for (let run = 0; run < 5; run++) {
      const runaway = () => sandbox.runFunction('while (true) {}', scope, { timeoutMs: 300 }).catch(() => undefined);
      stalls.push(await longestStall(runaway));
    }
    const fmt = stalls.map((s) => s.toFixed(1)).join(', ');
    console.log(`  budget ${String(budget).padStart(2)} ms → max stall ${fmt} ms`);
    await sandbox.close();
  }
  // What a legitimately slow call pays for the fallback: the budget plus the async re-run.
  const slow = 'let x = 0; for (let i = 0; i < params.n; i++) x += i; return x;';
  const sandbox = createIsolatedVmSandbox({ syncBudgetMs: 10 });
  for (const n of [1e6, 2e7]) {
    const s = scopeJson('{}', JSON.stringify({ n }));
    const start = process.hrtime.bigint();
    await sandbox.runFunction(slow, s, { timeoutMs: 5000 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(`  loop of ${n} iterations: ${ms.toFixed(1)} ms, fallbacks so far ${sandbox.stats().fallbacks}`);
  }
  await sandbox.close();
}

const n = Number(process.env.BENCH_N ?? 20000);
console.log(`message ${messageJson.length} bytes, scope ${scope.length} bytes, ${n} calls per row\n`);
baseline(n);
await suite('isolated-vm', createIsolatedVmSandbox(), n);
await suite('in-process (node:vm, tests only)', createInProcessSandbox(), n);
if (process.argv.includes('--budget')) await budgetScan();
