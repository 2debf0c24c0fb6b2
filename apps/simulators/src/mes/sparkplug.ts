import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import {
  decodeSparkplugMessage,
  encodeSparkplugPayload,
  SparkplugTracker,
  type MetricInput,
} from '@millrace/sparkplug';
import { Rng, type SimContext } from '../core/index.ts';
import { DEVICE_DEFS, DeviceState } from './sparkplug-devices.ts';
import { mixSeed, sleep } from './util.ts';

export interface SparkplugOptions {
  readonly group: string;
  readonly edge: string;
  /** Wait for `spBv1.0/STATE/<hostId>` online before the births (Sparkplug 3.0 primary host). */
  readonly hostId?: string;
  /** DDATA period; 0 = no timer (a test calls `tick()`). Default 1000. */
  readonly intervalMs?: number;
}

export interface EdgeEvent {
  readonly kind: string;
  readonly at: string;
  readonly seq?: number;
  readonly bdSeq?: number;
  readonly device?: string;
}

/**
 * The MES's Sparkplug B edge node. It follows the spec's operational rules (3.0.0 ch. 5–6):
 * NDEATH is the MQTT Will, carrying the bdSeq of the NBIRTH that follows the CONNECT; bdSeq goes
 * up by one on every new CONNECT; seq is 0 on NBIRTH and goes up by one on every DBIRTH, DDATA
 * and DDEATH, wrapping 255 → 0; an NCMD `Node Control/Rebirth` gets a fresh NBIRTH and DBIRTHs.
 * With a host id it births only once the host's STATE says online. Reconnects are ours, not
 * mqtt.js's, so the Will of each CONNECT carries that connection's bdSeq.
 */
export class SparkplugEdge {
  bdSeq = -1;
  seq = 0;
  birthed = false;
  hostOnline: boolean | undefined;
  readonly devices = new Map<string, DeviceState>();
  readonly history: EdgeEvent[] = [];
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Killed on purpose: no automatic reconnect until rebirth(). */
  private dead = false;
  private skip = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly rng: Rng;
  private readonly clientId: string;

  constructor(
    private readonly o: SparkplugOptions & {
      readonly url: string;
      readonly ctx: SimContext;
      readonly protocolVersion: 4 | 5;
      readonly username?: string;
      readonly password?: string;
    },
  ) {
    for (const [id, defs] of Object.entries(DEVICE_DEFS)) this.devices.set(id, new DeviceState(id, defs));
    this.rng = new Rng(mixSeed(o.ctx.seed, 7));
    this.clientId = `spb-${o.group}-${o.edge}-${randomBytes(3).toString('hex')}`.slice(0, 64);
  }

  topic(type: string, device?: string): string {
    return `spBv1.0/${this.o.group}/${type}/${this.o.edge}${device ? `/${device}` : ''}`;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  /** A new CONNECT with the next bdSeq in its Will; births at once unless a host must be online first. */
  private async connect(): Promise<void> {
    this.bdSeq = (this.bdSeq + 1) % 256;
    const bdSeq = this.bdSeq;
    const client = await connectAsync(this.o.url, {
      clientId: this.clientId,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      protocolVersion: this.o.protocolVersion,
      ...(this.o.username ? { username: this.o.username, password: this.o.password ?? '' } : {}),
      will: { topic: this.topic('NDEATH'), payload: Buffer.from(this.deathPayload(bdSeq)), qos: 1, retain: false },
    });
    this.client = client;
    this.event('connect', { bdSeq });
    client.on('error', () => undefined);
    client.on('message', (topic, payload) => void this.onMessage(topic, payload).catch(() => undefined));
    client.on('close', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.birthed = false;
      this.stopTimer();
      if (!this.stopped && !this.dead) void this.reconnectLater();
    });
    const filters = [this.topic('NCMD'), `${this.topic('DCMD')}/+`];
    if (this.o.hostId) filters.push(`spBv1.0/STATE/${this.o.hostId}`);
    await client.subscribeAsync(filters, { qos: 1 });
    if (!this.o.hostId) await this.birth();
  }

  private async reconnectLater(): Promise<void> {
    while (!this.stopped && !this.dead && !this.client) {
      await sleep(1000);
      if (this.stopped || this.dead || this.client) return;
      await this.connect().catch(() => undefined);
    }
  }

  private deathPayload(bdSeq: number): Uint8Array {
    return encodeSparkplugPayload({
      timestamp: this.o.ctx.clock.now(),
      metrics: [{ name: 'bdSeq', datatype: 'UInt64', value: bdSeq }],
    });
  }

  private nextSeq(): number {
    if (this.skip > 0) {
      this.seq = (this.seq + this.skip) % 256;
      this.skip = 0;
    }
    const s = this.seq;
    this.seq = (this.seq + 1) % 256;
    return s;
  }

  /** Publishing in one queue, so seq numbers reach the broker in the order they were given. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async send(topic: string, payload: Uint8Array, qos: 0 | 1 = 0): Promise<void> {
    const client = this.client;
    if (!client?.connected) return;
    await client.publishAsync(topic, Buffer.from(payload), { qos, retain: false });
  }

  /** NBIRTH (seq 0, bdSeq, Node Control/Rebirth) and a DBIRTH for every live device. */
  birth(): Promise<void> {
    return this.serial(async () => {
      const now = this.o.ctx.clock.now();
      this.seq = 0;
      this.skip = 0;
      const seq = this.nextSeq();
      const metrics: MetricInput[] = [
        { name: 'bdSeq', datatype: 'UInt64', value: this.bdSeq, timestamp: now },
        { name: 'Node Control/Rebirth', alias: 1, datatype: 'Boolean', value: false, timestamp: now },
        { name: 'Properties/Software', alias: 2, datatype: 'String', value: 'millrace-mes-sim', timestamp: now },
      ];
      await this.send(this.topic('NBIRTH'), encodeSparkplugPayload({ timestamp: now, seq, metrics }));
      this.event('NBIRTH', { seq, bdSeq: this.bdSeq });
      for (const d of this.devices.values()) if (d.alive) await this.deviceBirthNow(d, now);
      this.birthed = true;
      this.startTimer();
    });
  }

  private async deviceBirthNow(d: DeviceState, now: number): Promise<void> {
    const seq = this.nextSeq();
    await this.send(
      this.topic('DBIRTH', d.id),
      encodeSparkplugPayload({ timestamp: now, seq, metrics: d.birthMetrics(now) }),
    );
    this.event('DBIRTH', { seq, device: d.id });
  }

  /** One DDATA per live device (metrics by alias), through the fault engine: a drop is a seq gap. */
  tick(): Promise<void> {
    return this.serial(async () => {
      if (!this.birthed) return;
      const now = this.o.ctx.clock.now();
      for (const d of this.devices.values()) {
        if (!d.alive) continue;
        const seq = this.nextSeq();
        const topic = this.topic('DDATA', d.id);
        const payload = encodeSparkplugPayload({ timestamp: now, seq, metrics: d.dataMetrics(now) });
        d.step(this.rng);
        const effect = this.o.ctx.faults.forEvent(topic);
        if (effect?.kind === 'drop') {
          this.event('DDATA-dropped', { seq, device: d.id });
          continue;
        }
        await this.send(topic, payload);
        // QoS 0 has no DUP flag: a duplicate is the same payload (same seq) once more.
        if (effect?.kind === 'duplicate') await this.send(topic, payload);
        this.event('DDATA', { seq, device: d.id });
      }
    });
  }

  /** Fault: the next DATA message skips `n` seq numbers (a host sees a gap and should ask for a rebirth). */
  seqGap(n = 1): void {
    this.skip += n;
  }

  /** Late data after an outage: `count` DDATA of a device with is_historical and old timestamps. */
  storeAndForward(device: string, count: number, spanMs: number): Promise<void> {
    return this.serial(async () => {
      const d = this.devices.get(device);
      if (!d?.alive || !this.birthed) return;
      const end = this.o.ctx.clock.now();
      for (let i = 0; i < count; i++) {
        const ts = end - spanMs + Math.round((spanMs / count) * i);
        const seq = this.nextSeq();
        await this.send(
          this.topic('DDATA', device),
          encodeSparkplugPayload({ timestamp: end, seq, metrics: d.dataMetrics(ts, true) }),
        );
        d.step(this.rng);
        this.event('DDATA-historical', { seq, device });
      }
    });
  }

  setMetric(device: string, name: string, value: number | string): void {
    this.devices.get(device)?.set(name, value);
  }

  /** Tags every device with the lot in process (the `Batch/LotId` metric). */
  setLot(lotId: string): void {
    for (const d of this.devices.values()) d.set('Batch/LotId', lotId);
  }

  deviceDeath(device: string): Promise<void> {
    return this.serial(async () => {
      const d = this.devices.get(device);
      if (!d?.alive) return;
      d.alive = false;
      if (!this.birthed) return;
      const seq = this.nextSeq();
      await this.send(this.topic('DDEATH', device), encodeSparkplugPayload({ timestamp: this.o.ctx.clock.now(), seq }));
      this.event('DDEATH', { seq, device });
    });
  }

  deviceBirth(device: string): Promise<void> {
    return this.serial(async () => {
      const d = this.devices.get(device);
      if (!d || d.alive) return;
      d.alive = true;
      if (this.birthed) await this.deviceBirthNow(d, this.o.ctx.clock.now());
    });
  }

  /**
   * Fault: the edge node dies without a DISCONNECT (its socket is cut), so the broker publishes
   * its Will, the NDEATH with this connection's bdSeq. No reconnect until `rebirth()`.
   */
  async kill(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.dead = true;
    this.stopTimer();
    // What was already published leaves first (mqtt.js corks writes until the next tick, and
    // destroy() discards a socket's buffer): the death is then at a known point of the stream.
    await this.chain;
    const stream = client.stream as { writableLength?: number; destroy(): void };
    for (let i = 0; i < 200 && (i < 2 || (stream.writableLength ?? 0) > 0); i++)
      await new Promise((r) => setTimeout(r, 5));
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    this.event('killed', { bdSeq: this.bdSeq });
    stream.destroy();
    await closed;
    await client.endAsync(true).catch(() => undefined);
  }

  /** After kill(): a new CONNECT (bdSeq + 1), NBIRTH and DBIRTHs. */
  async rebirth(): Promise<void> {
    this.dead = false;
    if (!this.client) await this.connect();
  }

  private async onMessage(topic: string, payload: Buffer): Promise<void> {
    const decoded = decodeSparkplugMessage(topic, payload, new SparkplugTracker());
    if (!decoded.ok) return;
    const m = decoded.message;
    if (m.messageType === 'STATE') {
      const online = m.online === true;
      this.hostOnline = online;
      this.event(online ? 'host-online' : 'host-offline');
      if (online && !this.birthed) await this.birth();
      // The primary host went away: stop sending what nobody records, birth again when it is back.
      if (!online && this.birthed) {
        this.birthed = false;
        this.stopTimer();
      }
      return;
    }
    if (m.messageType !== 'NCMD') {
      this.event(String(m.messageType), { ...(m.deviceId ? { device: String(m.deviceId) } : {}) });
      return;
    }
    const metrics = Array.isArray(m.metrics) ? (m.metrics as Array<Record<string, unknown>>) : [];
    const rebirth = metrics.some(
      (x) => (x.name === 'Node Control/Rebirth' || String(x.alias) === '1') && x.value === true,
    );
    this.event(rebirth ? 'NCMD-rebirth' : 'NCMD');
    if (rebirth && (!this.o.hostId || this.hostOnline)) await this.birth();
  }

  private startTimer(): void {
    this.stopTimer();
    const ms = this.o.intervalMs ?? 1000;
    if (ms > 0) this.timer = setInterval(() => void this.tick().catch(() => undefined), ms);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private event(kind: string, extra: Omit<EdgeEvent, 'kind' | 'at'> = {}): void {
    this.history.push({ kind, at: this.o.ctx.clock.iso(), ...extra });
    if (this.history.length > 5000) this.history.splice(0, 1000);
  }

  /** A graceful stop: NDEATH first (a DISCONNECT suppresses the Will), then disconnect. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopTimer();
    await this.chain;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.connected) {
      await client.publishAsync(this.topic('NDEATH'), Buffer.from(this.deathPayload(this.bdSeq)), { qos: 1 });
      this.event('NDEATH', { bdSeq: this.bdSeq });
    }
    await client.endAsync().catch(() => undefined);
  }

  snapshot() {
    return {
      group: this.o.group,
      edge: this.o.edge,
      hostId: this.o.hostId ?? null,
      bdSeq: this.bdSeq,
      seq: this.seq,
      birthed: this.birthed,
      connected: this.connected,
      hostOnline: this.hostOnline ?? null,
      devices: [...this.devices.values()].map((d) => ({ id: d.id, alive: d.alive })),
      history: this.history.slice(-200),
    };
  }
}
