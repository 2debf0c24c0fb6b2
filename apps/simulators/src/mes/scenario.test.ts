import { afterEach, describe, expect, it } from 'vitest';
import { expectStreamMatchesTruth } from './scenario-checks.ts';
import { startMesSimulator, type MesSimulator } from './index.ts';
import { subscribe, waitForRun, type Subscriber } from './test-support.ts';
import type { ScenarioResult } from './types.ts';

let sim: MesSimulator | undefined;
let sub: Subscriber | undefined;
afterEach(async () => {
  await sub?.close();
  await sim?.close();
  sub = sim = undefined;
});

const MIXED = {
  batches: 50,
  outOfSpecRate: 0.1,
  duplicateRate: 0.1,
  malformedRate: 0.06,
  outOfOrderRate: 0.1,
  plants: ['P100', 'P200'],
};

async function start(seed = 42) {
  sim = await startMesSimulator({ seed, sparkplug: false });
  sub = await subscribe(sim.brokerUrl, ['acme/+/+/+/mes/events/#']);
  return { sim, sub };
}

describe('MES scenario over the embedded broker', () => {
  it('publishes 50 batches whose stream matches the plan and the ground truth', async () => {
    const { sim, sub } = await start();
    const plan = sim.planScenario(MIXED);
    const result = await sim.runScenario(MIXED);
    await waitForRun(sub, result);

    expect(result.counts).toMatchObject({ batches: 50, outOfSpec: 5, duplicated: 5, malformed: 3, reordered: 5 });
    expect(result.counts.good).toBe(42);
    expectStreamMatchesTruth(plan, result, sub.messages);

    // Every malformed kind is used, and each is a batch-completed a consumer must refuse.
    expect(new Set(result.lots.flatMap((l) => (l.malformedKind ? [l.malformedKind] : [])))).toEqual(
      new Set(['invalid-json', 'missing-producedLot', 'erpBatch-too-long']),
    );
    // Parameters carry the QMS characteristic ids as `tag ?? name` (how the batch-release pack
    // maps them to inspection results), with UN/CEFACT units and the spec limits.
    const good = sub.messages.find((m) =>
      m.text.includes(result.lots.find((l) => l.outcome === 'good')!.eventIds.batchCompleted),
    )!;
    const params = (JSON.parse(good.text) as { data: { processParameters: Array<Record<string, unknown>> } }).data
      .processParameters;
    expect(params.map((p) => [p.tag ?? p.name, p.uom, p.lowerLimit, p.upperLimit])).toEqual([
      ['DRY-TEMP', 'CEL', '55.0', '65.0'],
      ['MOISTURE', 'P1', undefined, '2.00'],
      ['ASSAY', 'P1', '98.0', '102.0'],
    ]);
    // Spread over both plants and all their lines, on the ISA-95 topic tree.
    const topics = new Set(sub.messages.map((m) => m.topic.split('/').slice(0, 4).join('/')));
    expect(topics).toEqual(new Set(['acme/p100/bldg-a/line-3', 'acme/p100/bldg-a/line-4', 'acme/p200/bldg-b/line-1']));
    // Duplicates are redeliveries: the second copy has the DUP flag set by the publisher; QoS 1.
    expect(sub.messages.every((m) => m.qos === 1 && !m.retain)).toBe(true);
  });

  it('plans the same run for the same seed, a different one for another seed, and never reuses ids', async () => {
    const { sim } = await start(7);
    const a = sim.planScenario(MIXED);
    expect(sim.planScenario(MIXED)).toEqual(a);
    const other = await startMesSimulator({ seed: 8, sparkplug: false });
    try {
      const b = other.planScenario(MIXED);
      expect(b.batches.map((x) => x.lotId)).toEqual(a.batches.map((x) => x.lotId));
      expect(b.batches.map((x) => x.eventIds.batchCompleted)).not.toEqual(
        a.batches.map((x) => x.eventIds.batchCompleted),
      );
      expect(b.batches.map((x) => x.outcome)).not.toEqual(a.batches.map((x) => x.outcome));
    } finally {
      await other.close();
    }
    const first = await sim.runScenario({ batches: 5 });
    const second = await sim.runScenario({ batches: 5 });
    const ids = [...first.lots, ...second.lots].map((l) => l.lotId);
    expect(new Set(ids).size).toBe(10);
    expect(second.runId).toBe('RUN-0002');
    const eventIds = [...first.lots, ...second.lots].flatMap((l) => Object.values(l.eventIds).flat());
    expect(new Set(eventIds).size).toBe(eventIds.length);
    // The plan is what an ERP is seeded with: 10-character batches, KG, order numbers 1000xxx.
    for (const lot of first.plan.lots) {
      expect(lot.erpBatch).toMatch(/^[A-Z0-9_-]{1,10}$/);
      expect(lot.quantity.unit).toBe('KG');
      expect(lot.orderNumber).toMatch(/^1000\d{3}$/);
      expect(lot.materialId).toBe('FG-1000');
    }
  });

  it('serves the plan and runs the scenario over /__sim, and keeps the ground truth in the store', async () => {
    const { sim, sub } = await start();
    const plan = (await (await fetch(`${sim.url}/__sim/scenario/plan?batches=6&outOfSpecRate=0.5`)).json()) as {
      batches: Array<{ lotId: string; outcome: string }>;
    };
    expect(plan.batches.filter((b) => b.outcome === 'out-of-spec')).toHaveLength(3);
    const res = await fetch(`${sim.url}/__sim/scenario`, {
      method: 'POST',
      body: JSON.stringify({ batches: 6, outOfSpecRate: 0.5 }),
    });
    expect(res.status).toBe(200);
    const result = (await res.json()) as ScenarioResult;
    expect(result.lots.map((l) => l.lotId)).toEqual(plan.batches.map((b) => b.lotId));
    await waitForRun(sub, result);
    const store = (await (await fetch(`${sim.url}/__sim/store`)).json()) as {
      runs: ScenarioResult[];
      batches: Array<{ lotId: string; status: string }>;
    };
    expect(store.runs[0]!.counts).toEqual(result.counts);
    expect(store.batches.map((b) => b.status)).toEqual(Array(6).fill('completed'));
  });

  it('answers bad scenario options with 400 and the problems, and runs nothing', async () => {
    const { sim } = await start();
    const res = await fetch(`${sim.url}/__sim/scenario`, {
      method: 'POST',
      body: JSON.stringify({ batches: 0, outOfSpecRate: 2, plants: ['P999'] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; problems: string[] } };
    expect(body.error.code).toBe('BAD_SCENARIO');
    expect(body.error.problems).toEqual([
      'batches must be a whole number from 1 to 5000',
      'plant P999 is not configured; known: P100, P200',
      'outOfSpecRate must be a number from 0 to 1',
    ]);
    expect((await fetch(`${sim.url}/__sim/scenario/plan?batches=abc`)).status).toBe(400);
    expect((await fetch(`${sim.url}/__sim/scenario`, { method: 'POST', body: '{nope' })).status).toBe(400);
    expect(sim.store.runs).toHaveLength(0);
  });

  it('applies fault rules on topics: a dropped consumption, a duplicate with the same id, a v2 schema drift', async () => {
    const { sim, sub } = await start();
    sim.ctx.faults.set([
      { id: 'drop', match: { topic: '**/material-consumed' }, nth: 3, count: 1, effect: { kind: 'drop' } },
      { id: 'dup', match: { topic: '**/batch-started' }, nth: 2, count: 1, effect: { kind: 'duplicate' } },
      { id: 'v2', match: { topic: '**/batch-completed' }, nth: 4, count: 1, effect: { kind: 'schema-drift' } },
      {
        id: 'late',
        match: { topic: '**/order-received' },
        nth: 1,
        count: 1,
        effect: { kind: 'out-of-order', delayMs: 50 },
      },
    ]);
    const result = await sim.runScenario({ batches: 4 });
    await waitForRun(sub, result);
    expect(result.counts.dropped).toBe(1);
    expect(result.lots.map((l) => l.faults)).toEqual([
      ['out-of-order:order-received'],
      ['duplicate:batch-started', 'drop:material-consumed'],
      [],
      ['schema-drift:batch-completed'],
    ]);
    const consumed = sub.messages.filter((m) => m.topic.endsWith('/material-consumed'));
    expect(consumed).toHaveLength(7);
    const started = sub.messages.filter((m) => m.text.includes(result.lots[1]!.eventIds.batchStarted));
    expect(started).toHaveLength(2);
    const drifted = JSON.parse(
      sub.messages.find((m) => m.text.includes(result.lots[3]!.eventIds.batchCompleted))!.text,
    ) as { type: string; data: { lot?: { id: string }; producedLot?: unknown; schemaVersion: number } };
    expect(drifted.type).toBe('mes.batch.completed.v2');
    expect(drifted.data.lot?.id).toBe(result.lots[3]!.lotId);
    expect(drifted.data.producedLot).toBeUndefined();
    // The held-back order-received arrives after its own batch-started.
    const first = result.lots[0]!;
    const at = (id: string) => sub!.messages.findIndex((m) => m.text.includes(id));
    expect(at(first.eventIds.orderReceived)).toBeGreaterThan(at(first.eventIds.batchStarted));
    expect((await (await fetch(`${sim.url}/__sim/faults`)).json()) as { history: unknown[] }).toMatchObject({
      history: expect.arrayContaining([expect.objectContaining({ rule: 'v2', effect: 'schema-drift' })]),
    });
  });

  it('holds late batches back for a store-and-forward burst with their old times, and skews the clock', async () => {
    const { sim, sub } = await start();
    sim.ctx.clock.freeze(Date.parse('2026-03-02T12:00:00Z'));
    const result = await sim.runScenario({ batches: 4, lateRate: 0.5, ratePerSec: 0.001, clockSkewMinutes: -5 });
    await waitForRun(sub, result);
    const lateLots = result.lots.filter((l) => l.late);
    expect(lateLots).toHaveLength(2);
    const completions = sub.messages
      .filter((m) => m.topic.endsWith('/batch-completed'))
      .map((m) => JSON.parse(m.text) as { subject: string; time: string });
    // The late ones come last, and their times are older than the batches published before them.
    expect(
      completions
        .slice(2)
        .map((c) => c.subject)
        .sort(),
    ).toEqual(lateLots.map((l) => l.lotId).sort());
    const index = (lotId: string) => result.lots.findIndex((l) => l.lotId === lotId);
    for (const c of completions)
      // 1000 s of virtual time per batch, shifted 5 minutes back.
      expect(c.time).toBe(
        new Date(Date.parse('2026-03-02T12:00:00Z') + index(c.subject) * 1_000_000 - 300_000).toISOString(),
      );
  });

  it('starts over on /__sim/reset: the same plan again, store empty, retained state cleared', async () => {
    const { sim } = await start();
    const first = await sim.runScenario({ batches: 2 });
    expect(sim.planScenario({ batches: 2 }).batches[0]!.lotId).not.toBe(first.lots[0]!.lotId);
    expect((await fetch(`${sim.url}/__sim/reset`, { method: 'POST' })).status).toBe(200);
    expect(sim.store.batches.size).toBe(0);
    expect(sim.planScenario({ batches: 2 })).toEqual(first.plan);
    const late = await subscribe(sim.brokerUrl, ['acme/+/+/+/mes/state/#']);
    try {
      await new Promise((r) => setTimeout(r, 150));
      expect(late.messages).toEqual([]);
    } finally {
      await late.close();
    }
  });

  it('runs detached (202, then the run by id) and paces in real time when asked', async () => {
    const { sim, sub } = await start();
    const res = await fetch(`${sim.url}/__sim/scenario`, {
      method: 'POST',
      body: JSON.stringify({ batches: 3, ratePerSec: 20, pacing: 'real', async: true }),
    });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    const began = Date.now();
    const poll = async () =>
      ((await (await fetch(`${sim.url}/__sim/scenario/runs/${runId}`)).json()) as { status: string }).status;
    await expect.poll(poll, { timeout: 5000, interval: 20 }).toBe('finished');
    // 3 batches at 20 per second: at least 3 × 50 ms of real waiting.
    expect(Date.now() - began).toBeGreaterThanOrEqual(140);
    expect(sub.messages.length).toBeGreaterThan(0);
    expect((await fetch(`${sim.url}/__sim/scenario/runs/RUN-9999`)).status).toBe(404);
  });

  it('keeps retained state per order and lot for late subscribers', async () => {
    const { sim } = await start();
    const result = await sim.runScenario({ batches: 3, plants: ['P100'] });
    const late = await subscribe(sim.brokerUrl, ['acme/p100/+/+/mes/state/#']);
    try {
      await late.waitUntil((ms) => ms.length >= 6, 5000, 'retained state');
      expect(late.messages.every((m) => m.retain)).toBe(true);
      const lot = late.messages.find((m) => m.topic.endsWith(`/state/lots/${result.lots[0]!.lotId}`))!;
      expect(JSON.parse(lot.text)).toMatchObject({ lotId: result.lots[0]!.lotId, status: 'completed' });
      const order = late.messages.find((m) => m.topic.endsWith(`/state/orders/${result.lots[0]!.orderNumber}`))!;
      expect(JSON.parse(order.text)).toMatchObject({ status: 'completed', lots: [result.lots[0]!.lotId] });
    } finally {
      await late.close();
    }
  });
});
