import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

export interface BrokerMessage {
  readonly topic: string;
  /** The payload as UTF-8 text (JSON for Millrace's own messages). */
  readonly payload: string;
  readonly qos: number;
  readonly retain: boolean;
  /** The publishing client's id, or null for the broker's own publish(). */
  readonly clientId: string | null;
}

export interface InProcessBroker {
  /** `mqtt://127.0.0.1:<port>`: put it in a profile's mqtt binding (`url`). */
  readonly url: string;
  readonly port: number;
  /** Every message a client or publish() sent, in order ($SYS topics left out). */
  readonly messages: readonly BrokerMessage[];
  /** The aedes instance, for hooks such as `authenticate`. */
  readonly aedes: Aedes;
  /** Publishes as the broker (the MES side of a test): objects are sent as JSON. */
  publish(topic: string, payload: string | object, options?: { qos?: 0 | 1 | 2; retain?: boolean }): Promise<void>;
  /**
   * Resolves with the first message on a topic that matches `filter` (MQTT wildcards `+`, `#`),
   * including one already received. Rejects after `timeoutMs`.
   */
  waitForMessage(filter: string, timeoutMs?: number): Promise<BrokerMessage>;
  close(): Promise<void>;
}

/** True when an MQTT topic matches a subscription filter with `+` and `#` wildcards. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/**
 * A real MQTT broker (aedes) on 127.0.0.1 and a random port, in this process: trigger.mqtt and
 * mqtt.publish are tested over the wire, and the test sees every message that went through.
 */
export async function inProcessBroker(): Promise<InProcessBroker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const messages: BrokerMessage[] = [];
  const waiters: Array<{ filter: string; resolve: (m: BrokerMessage) => void }> = [];

  aedes.on('publish', (packet, client) => {
    if (packet.topic.startsWith('$SYS/')) return;
    const message: BrokerMessage = {
      topic: packet.topic,
      payload: Buffer.isBuffer(packet.payload) ? packet.payload.toString('utf8') : String(packet.payload),
      qos: packet.qos,
      retain: packet.retain,
      clientId: client ? client.id : null,
    };
    messages.push(message);
    for (const w of waiters.filter((x) => topicMatches(x.filter, message.topic))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(message);
    }
  });

  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    messages,
    aedes,
    publish: (topic, payload, options = {}) =>
      new Promise<void>((resolve, reject) => {
        aedes.publish(
          {
            cmd: 'publish',
            topic,
            payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
            qos: options.qos ?? 0,
            retain: options.retain ?? false,
            dup: false,
          },
          (error) => (error ? reject(error) : resolve()),
        );
      }),
    waitForMessage(filter, timeoutMs = 5000) {
      const already = messages.find((m) => topicMatches(filter, m.topic));
      if (already) return Promise.resolve(already);
      return new Promise<BrokerMessage>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(
            waiters.findIndex((w) => w.resolve === done),
            1,
          );
          reject(new Error(`no MQTT message on ${filter} within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (m: BrokerMessage) => {
          clearTimeout(timer);
          resolve(m);
        };
        waiters.push({ filter, resolve: done });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        // The broker first, so its clients are disconnected and the server has nothing to wait for.
        aedes.close(() => server.close(() => resolve()));
      }),
  };
}
