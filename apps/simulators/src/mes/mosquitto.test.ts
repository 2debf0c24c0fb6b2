import { afterAll, describe, expect, it } from 'vitest';
import { expectStreamMatchesTruth } from './scenario-checks.ts';
import { startMesSimulator, type MesSimulator } from './index.ts';
import { brokerAnswers, subscribe, unique, waitForRun } from './test-support.ts';

/**
 * The same scenario against the real Mosquitto at 127.0.0.1:1883 (it runs on developer
 * machines and CI), over MQTT 5, under a topic prefix and Sparkplug group of this run alone so
 * parallel runs do not collide. Skipped, loudly, when no broker answers there.
 */
const MOSQUITTO = 'mqtt://127.0.0.1:1883';
const reachable = await brokerAnswers(MOSQUITTO);
if (!reachable)
  console.warn(
    '\n*** MES simulator: NO Mosquitto answers at 127.0.0.1:1883 — the real-broker tests are SKIPPED. ***\n' +
      '*** Start one (mosquitto -p 1883) to run them; the embedded-broker tests still ran.              ***\n',
  );

const opened: MesSimulator[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
});

describe.skipIf(!reachable)('MES simulator on the real Mosquitto', () => {
  it('publishes a mixed 30-batch scenario that matches the plan and the ground truth (MQTT 5)', async () => {
    const prefix = `${unique('millrace-test')}/`;
    const group = unique('mes-g');
    const sim = await startMesSimulator({
      brokerUrl: MOSQUITTO,
      protocolVersion: 5,
      topicPrefix: prefix,
      sparkplug: { group, edge: 'E1', intervalMs: 0 },
      seed: 11,
    });
    opened.push(sim);
    const sub = await subscribe(MOSQUITTO, [`${prefix}acme/+/+/+/mes/events/#`, `spBv1.0/${group}/#`], {
      protocolVersion: 5,
    });
    try {
      const options = { batches: 30, outOfSpecRate: 0.1, duplicateRate: 0.1, malformedRate: 0.1, outOfOrderRate: 0.1 };
      const plan = sim.planScenario(options);
      const result = await sim.runScenario(options);
      await waitForRun(sub, result);
      expectStreamMatchesTruth(plan, result, sub.messages);
      // MQTT 5: the event id also travels as a user property.
      const first = sub.messages.find((m) => m.topic.endsWith('/order-received'))!;
      expect(first.userProperties?.eventid).toBe(result.lots[0]!.eventIds.orderReceived);

      // The Will works on Mosquitto too: a cut connection gives the NDEATH with the NBIRTH's bdSeq.
      await sim.edge!.kill();
      await sub.waitUntil((ms) => ms.some((m) => m.topic === `spBv1.0/${group}/NDEATH/E1`), 5000, 'NDEATH');
      await sim.edge!.rebirth();
      await sub.waitUntil((ms) => ms.some((m) => m.topic === `spBv1.0/${group}/NBIRTH/E1`), 5000, 'NBIRTH');
      expect(sim.edge!.bdSeq).toBe(1);
    } finally {
      await sub.close();
      await sim.close();
    }
    // Closing cleared the retained state this run left on the shared broker.
    const after = await subscribe(MOSQUITTO, [`${prefix}#`]);
    await new Promise((r) => setTimeout(r, 300));
    expect(after.messages.filter((m) => m.retain)).toEqual([]);
    await after.close();
  });
});
