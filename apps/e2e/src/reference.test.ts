import { describe, expect, it } from 'vitest';
import { brokerAnswers, MOSQUITTO, unique } from './broker.ts';
import { runReferenceScenario, type ReferenceReport } from './reference.ts';

/**
 * DESIGN §1 end to end with real processes: the ERP, QMS and MES simulators, `millrace serve
 * --headless` as a child process on a real SQLite file, and a real broker. 200 batch
 * completions (20 % out of spec, 5 % duplicated, 2 % malformed, 5 % out of order) while the ERP
 * answers 503 + Retry-After on 10 % of calls and is down for 5 s (connections dropped unanswered),
 * and the QMS answers 429 on 5 %.
 * The verdict is read from the simulators' own stores, lot by lot.
 */
const mosquitto = await brokerAnswers(MOSQUITTO);
if (!mosquitto)
  console.warn(
    '\n*** e2e: NO Mosquitto answers at 127.0.0.1:1883 — the reference scenario on the real broker is SKIPPED. ***\n' +
      '*** It ran on the embedded broker only. Start one (mosquitto -p 1883) to run both.                ***\n',
  );

function expectEveryPromiseKept(label: string, report: ReferenceReport): void {
  const c = report.counts;
  console.log(
    `\nreference scenario (${label}), ${c.seconds} s:\n` +
      `  batches ${c.batches}: good ${c.good}, out of spec ${c.outOfSpec}, malformed ${c.malformed}, duplicated ${c.duplicated}, out of order ${c.reordered}\n` +
      `  released exactly once ${c.released}/${c.good}; blocked exactly once ${c.blocked}/${c.outOfSpec} ` +
      `(quality events ${c.qualityEvents}, MES holds ${c.mesHolds})\n` +
      `  malformed in dead letters with a reason ${c.malformedDeadLettered}/${c.malformed} (dead letters in all ${c.deadLetters}, expected ${c.malformedDeliveries})\n` +
      `  duplicates suppressed ${c.duplicatesSuppressed} (readable duplicates sent ${c.readableDuplicates}); stock movements posted twice ${c.doublePostings}\n` +
      `  faults injected: ERP ${c.faults.erp503} × 503 and ${c.faults.erpDropped} connections dropped while down, QMS ${c.faults.qms429} × 429; runs ${JSON.stringify(c.runs)}\n`,
  );
  expect(report.problems).toEqual([]);
  expect(c.released).toBe(c.good);
  expect(c.blocked).toBe(c.outOfSpec);
  expect(c.qualityEvents).toBe(c.outOfSpec);
  expect(c.malformedDeadLettered).toBe(c.malformed);
  expect(c.deadLetters).toBe(c.malformedDeliveries);
  expect(c.doublePostings).toBe(0);
  // The scenario really was hostile: every kind of trouble happened.
  expect(c.outOfSpec).toBeGreaterThan(0);
  expect(c.malformed).toBeGreaterThan(0);
  expect(c.duplicated).toBeGreaterThan(0);
  expect(c.reordered).toBeGreaterThan(0);
  expect(c.duplicatesSuppressed).toBeGreaterThanOrEqual(c.readableDuplicates);
  expect(c.faults.erp503).toBeGreaterThan(0);
  expect(c.faults.erpDropped).toBeGreaterThan(0);
  expect(c.faults.qms429).toBeGreaterThan(0);
}

describe('the batch-release reference scenario end to end', () => {
  it('releases every good lot once, blocks every failing lot once and dead-letters every malformed event (embedded broker)', async () => {
    const report = await runReferenceScenario({ seed: 3 });
    expectEveryPromiseKept('embedded aedes broker', report);
  }, 420_000);

  it.skipIf(!mosquitto)(
    'keeps the same promises against the real Mosquitto at 127.0.0.1:1883',
    async () => {
      // The same promises on a smaller run than the reference above, with every kind of trouble
      // still in it: 80 batches, a 2 s ERP outage, 5 % of ERP calls answered 503. Its time is
      // mostly the flow's retry backoff (500 ms doubling to 30 s), so the full run's chains of
      // 503s and its 5 s outage made it take 35–80 s in CI; this one takes about 15.
      const report = await runReferenceScenario({
        seed: 5,
        brokerUrl: MOSQUITTO,
        topicPrefix: `${unique('millrace-e2e')}/`,
        erpDownMs: 2000,
        erp503Rate: 0.05,
        scenario: { batches: 80, malformedRate: 0.05, duplicateRate: 0.1, outOfOrderRate: 0.1 },
      });
      expectEveryPromiseKept('Mosquitto 127.0.0.1:1883', report);
    },
    420_000,
  );
});
