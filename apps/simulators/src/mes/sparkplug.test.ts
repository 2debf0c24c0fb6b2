import { afterEach, describe, expect, it } from 'vitest';
import { decodeSparkplugMessage, encodeSparkplugPayload, SparkplugTracker } from '@millrace/sparkplug';
import { startMesSimulator, type MesSimulator } from './index.ts';
import { subscribe, type Received, type Subscriber } from './test-support.ts';

let sim: MesSimulator | undefined;
let sub: Subscriber | undefined;
afterEach(async () => {
  await sub?.close();
  await sim?.close();
  sub = sim = undefined;
});

type Decoded = {
  messageType: string;
  deviceId?: string;
  seq?: number;
  sequenceGap?: { expected: number; got: number };
  metrics: Array<{
    name?: string;
    alias?: number | string;
    value: unknown;
    datatype?: string;
    properties?: unknown;
    isHistorical?: boolean;
    timestamp?: number;
  }>;
};

/** Decodes everything a host would have seen, in order, with one tracker (as trigger.mqtt does). */
function decodeAll(messages: readonly Received[]): Decoded[] {
  const tracker = new SparkplugTracker();
  return messages
    .filter((m) => m.topic.startsWith('spBv1.0/') && !m.topic.startsWith('spBv1.0/STATE/'))
    .map((m) => {
      const r = decodeSparkplugMessage(m.topic, m.payload, tracker, { dup: m.dup });
      if (!r.ok) throw new Error(r.error.message);
      return r.message as unknown as Decoded;
    });
}

const bdSeqOf = (m: Decoded) => m.metrics.find((x) => x.name === 'bdSeq')?.value;
const ofType = (ms: Decoded[], t: string) => ms.filter((m) => m.messageType === t);

async function start(sparkplug: { hostId?: string } = {}) {
  // The embedded broker is the simulator's, so the subscriber connects after it started. Tests
  // that must see the first NBIRTH give a host id that is not online and call birth() themselves.
  sim = await startMesSimulator({ sparkplug: { group: 'G1', edge: 'E1', intervalMs: 0, ...sparkplug } });
  sub = await subscribe(sim.brokerUrl, ['spBv1.0/#']);
  return { sim, sub, edge: sim.edge! };
}

describe('MES Sparkplug B edge node', () => {
  it('waits for the host STATE online, then births with bdSeq, Rebirth and aliased device metrics', async () => {
    const { sim, sub, edge } = await start({ hostId: 'scada-1' });
    await new Promise((r) => setTimeout(r, 200));
    expect(decodeAll(sub.messages)).toEqual([]);
    expect(edge.birthed).toBe(false);

    await sub.client.publishAsync('spBv1.0/STATE/scada-1', JSON.stringify({ online: true, timestamp: Date.now() }), {
      qos: 1,
      retain: true,
    });
    await sub.waitUntil((ms) => decodeAll(ms).length >= 4, 5000, 'NBIRTH and 3 DBIRTH');
    const [nbirth, ...dbirths] = decodeAll(sub.messages);
    expect(nbirth).toMatchObject({ messageType: 'NBIRTH', seq: 0 });
    expect(bdSeqOf(nbirth!)).toBe('0');
    expect(nbirth!.metrics.find((m) => m.name === 'Node Control/Rebirth')).toMatchObject({
      datatype: 'Boolean',
      value: false,
    });
    expect(dbirths.map((d) => [d.messageType, d.deviceId, d.seq])).toEqual([
      ['DBIRTH', 'reactor-01', 1],
      ['DBIRTH', 'dryer-02', 2],
      ['DBIRTH', 'packline-03', 3],
    ]);
    expect(dbirths[0]!.metrics.find((m) => m.name === 'Agitator/Speed')).toMatchObject({
      alias: 103,
      datatype: 'Float',
      properties: expect.anything(),
    });

    // DATA goes by alias only; the host resolves the names from the births.
    await edge.tick();
    await sub.waitUntil((ms) => ofType(decodeAll(ms), 'DDATA').length >= 3, 5000, 'DDATA');
    const ddata = ofType(decodeAll(sub.messages), 'DDATA');
    expect(ddata[0]!.seq).toBe(4);
    expect(ddata[1]!.metrics.map((m) => m.name)).toContain('Dryer/ProductTemperature');
    expect(sub.messages.find((m) => m.topic === 'spBv1.0/G1/DDATA/E1/dryer-02')).toBeDefined();
    await sub.client.publishAsync('spBv1.0/STATE/scada-1', '', { qos: 1, retain: true });
    expect(sim.edge!.hostOnline).toBe(true);
  });

  it('runs seq 0..255 across NBIRTH, DBIRTH and DDATA and wraps to 0 without a gap', async () => {
    const { edge, sub } = await start({ hostId: 'never-online' });
    await edge.birth();
    for (let i = 0; i < 90; i++) await edge.tick();
    await sub.waitUntil((ms) => ms.length >= 4 + 270, 10_000, '274 messages');
    const decoded = decodeAll(sub.messages);
    const seqs = decoded.map((m) => m.seq);
    expect(seqs.slice(0, 256)).toEqual(Array.from({ length: 256 }, (_, i) => i));
    expect(seqs.slice(256, 260)).toEqual([0, 1, 2, 3]);
    expect(decoded.filter((m) => m.sequenceGap)).toEqual([]);
  });

  it('dies with its Will (NDEATH, same bdSeq) when the connection is cut, and is reborn with bdSeq + 1', async () => {
    const { edge, sub } = await start({ hostId: 'never-online' });
    await edge.birth();
    await edge.tick();
    await edge.kill();
    await sub.waitUntil((ms) => ms.some((m) => m.topic === 'spBv1.0/G1/NDEATH/E1'), 5000, 'NDEATH');
    await edge.rebirth();
    // A host id is configured but the retained STATE is gone: birth by hand, as the host would trigger.
    await edge.birth();
    await sub.waitUntil((ms) => ofType(decodeAll(ms), 'NBIRTH').length >= 2, 5000, 'the second NBIRTH');
    const decoded = decodeAll(sub.messages);
    const [first, second] = ofType(decoded, 'NBIRTH');
    const death = ofType(decoded, 'NDEATH')[0]!;
    expect(bdSeqOf(first!)).toBe('0');
    expect(bdSeqOf(death)).toBe('0');
    expect(death.seq).toBeUndefined();
    expect(bdSeqOf(second!)).toBe('1');
    expect(second!.seq).toBe(0);
    expect(edge.bdSeq).toBe(1);
  });

  it('answers an NCMD Node Control/Rebirth with a new NBIRTH and DBIRTHs', async () => {
    const { edge, sub } = await start();
    await edge.tick();
    await sub.client.publishAsync(
      'spBv1.0/G1/NCMD/E1',
      Buffer.from(
        encodeSparkplugPayload({
          timestamp: Date.now(),
          metrics: [{ name: 'Node Control/Rebirth', datatype: 'Boolean', value: true }],
        }),
      ),
      { qos: 0 },
    );
    await sub.waitUntil(
      (ms) => ofType(decodeAll(ms), 'NBIRTH').length >= 1 && ofType(decodeAll(ms), 'DBIRTH').length >= 3,
    );
    const decoded = decodeAll(sub.messages);
    expect(decoded.map((m) => [m.messageType, m.seq]).slice(-4)).toEqual([
      ['NBIRTH', 0],
      ['DBIRTH', 1],
      ['DBIRTH', 2],
      ['DBIRTH', 3],
    ]);
    expect(bdSeqOf(ofType(decoded, 'NBIRTH')[0]!)).toBe('0');
    expect(edge.history.some((h) => h.kind === 'NCMD-rebirth')).toBe(true);
  });

  it('makes seq gaps on purpose (seqGap, or a drop rule on DDATA) that a host tracker reports', async () => {
    const { sim, edge, sub } = await start({ hostId: 'never-online' });
    await edge.birth();
    await edge.tick();
    edge.seqGap(2);
    await edge.tick();
    sim.ctx.faults.set([
      { id: 'lose', match: { topic: 'spBv1.0/*/DDATA/*/dryer-02' }, nth: 1, count: 1, effect: { kind: 'drop' } },
    ]);
    await edge.tick();
    await sub.waitUntil((ms) => ms.length >= 4 + 3 + 3 + 2, 5000);
    const gaps = decodeAll(sub.messages).flatMap((m) => (m.sequenceGap ? [m.sequenceGap] : []));
    expect(gaps).toEqual([
      { expected: 7, got: 9 },
      { expected: 13, got: 14 },
    ]);
  });

  it('sends a store-and-forward burst of historical DDATA with old timestamps', async () => {
    const { edge, sub } = await start({ hostId: 'never-online' });
    await edge.birth();
    await edge.storeAndForward('reactor-01', 5, 600_000);
    await sub.waitUntil((ms) => ms.length >= 9, 5000);
    const burst = ofType(decodeAll(sub.messages), 'DDATA');
    expect(burst).toHaveLength(5);
    expect(burst.every((m) => m.metrics.every((x) => x.isHistorical === true))).toBe(true);
    expect(burst[0]!.metrics[0]!.timestamp).toBeLessThan(Date.now() - 500_000);
  });

  it('kills the edge node mid-batch in a scenario and reports the rebirth in the ground truth', async () => {
    sim = await startMesSimulator({ sparkplug: { group: 'G2', edge: 'E2', intervalMs: 0 } });
    sub = await subscribe(sim.brokerUrl, ['spBv1.0/G2/#', 'acme/#']);
    const result = await sim.runScenario({ batches: 3, edgeDeathAtBatch: 2 });
    expect(result.edgeDeath).toEqual({ atBatch: 2, bdSeqBefore: 0, bdSeqAfter: 1 });
    await sub.waitUntil((ms) => ms.some((m) => m.topic === 'spBv1.0/G2/NBIRTH/E2'), 5000);
    const death = sub.messages.findIndex((m) => m.topic === 'spBv1.0/G2/NDEATH/E2');
    const started = sub.messages.findIndex((m) => m.text.includes(result.lots[1]!.eventIds.batchStarted));
    const completed = sub.messages.findIndex((m) => m.text.includes(result.lots[1]!.eventIds.batchCompleted));
    expect(death).toBeGreaterThan(started);
    expect(death).toBeLessThan(completed);
    const births = ofType(decodeAll(sub.messages), 'NBIRTH');
    expect(bdSeqOf(births.at(-1)!)).toBe('1');
  });
});
