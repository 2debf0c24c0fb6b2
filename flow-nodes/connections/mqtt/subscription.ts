import type { IPublishPacket } from 'mqtt';
import { AuthError, type Logger } from '@millrace/node-sdk';
import { ManagedClient, type MqttBinding } from './managed-client.ts';
import { subscriptionFilter } from './topic.ts';

/** One message as a subscription hands it over. */
export interface IncomingMqttMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
  /** Set by the broker on a redelivery (the message may have been seen before). */
  readonly dup: boolean;
  /** QoS 1 and 2 only. Unique among unacknowledged messages; the broker reuses ids afterwards. */
  readonly messageId?: number;
  /** MQTT 5 publish properties: user properties, content type, response topic, correlation data. */
  readonly properties?: IPublishPacket['properties'];
}

export interface SubscribeOptions {
  /** A topic filter, validated by the caller (see topic.ts). */
  readonly filter: string;
  readonly qos: 0 | 1;
  /** Subscribe as `$share/<group>/<filter>`: the broker spreads messages across the group. */
  readonly sharedGroup?: string;
  /** Suffix of this subscription's own client id (`<clientId>-<session>`); stable across restarts. */
  readonly session?: string;
  /** Filters an earlier configuration subscribed in the same session, to drop first. */
  readonly unsubscribe?: readonly string[];
  /** Messages handled at once; the broker waits (MQTT 5 receive maximum, or TCP) beyond. @default 32 */
  readonly maxInFlight?: number;
  /**
   * Handles one message. Resolving acknowledges it (QoS 1: the PUBACK goes out then, in order
   * of receipt). Rejecting leaves it unacknowledged: a persistent session gets it again after
   * the next reconnect.
   */
  handle(message: IncomingMqttMessage): Promise<void>;
}

export interface Subscription {
  readonly clientId: string;
  readonly persistent: boolean;
  /** Resolves when the broker first grants the subscription; rejects when it refuses it. */
  readonly ready: Promise<void>;
  /**
   * Stops. Gracefully: messages arriving from now on are left unacknowledged, the ones being
   * handled finish and are acknowledged, then the client disconnects. Forced: the socket is cut
   * at once, as in a crash. The subscription itself is kept in a persistent session, so the
   * broker queues what arrives until the next start. Handlers still busy after `graceMs`
   * (default 10 s) are left behind and the stop turns forced: a shutdown must not hang.
   */
  stop(options?: { readonly force?: boolean; readonly graceMs?: number }): Promise<void>;
}

/** Passed to mqtt.js's handleMessage callback so it does not send the PUBACK itself. */
const ACK_IS_OURS = new Error('the subscription acknowledges this message itself');

/** The QoS 1 messages one connection delivered, in order of receipt, until each is settled. */
class AckWindow {
  readonly entries: Array<{ readonly messageId: number; outcome?: 'ack' | 'keep' }> = [];
  open = true;
  constructor(readonly stream: { write(chunk: Uint8Array): unknown }) {}
}

/**
 * A subscription on a client of its own, acknowledging each QoS 1 message only after `handle`
 * resolved. mqtt.js acknowledges as soon as its `handleMessage` hook calls back and handles one
 * message at a time until then; holding the hook would also hold keep-alive answers behind a
 * slow handler. So the hook calls back at once with ACK_IS_OURS (mqtt.js then sends nothing)
 * and the PUBACK is written here when the handler settles. A PUBACK with reason "success" and
 * no properties is the same 4 bytes in MQTT 3.1.1 (§3.4) and MQTT 5 (§3.4.2.1).
 *
 * Acks go out in order of receipt (MQTT-4.6.0-2) and only on the connection that delivered the
 * message: after a reconnect the broker delivers unacknowledged messages again, and an ack on
 * the new connection could name a packet id the broker has since given to another message.
 */
export function subscribe(binding: MqttBinding, options: SubscribeOptions, log: Logger): Subscription {
  const maxInFlight = options.maxInFlight ?? 32;
  const managed = new ManagedClient(binding, {
    log,
    receiveMaximum: maxInFlight,
    ...(options.session ? { suffix: options.session } : {}),
  });
  const { client } = managed;
  const filter = subscriptionFilter(options.filter, options.sharedGroup);
  const inFlight = new Set<Promise<void>>();
  let window: AckWindow | undefined;
  let held: (() => void) | undefined;
  let stopping = false;
  let stopped: Promise<void> | undefined;

  // A new window per connection, opened on CONNACK itself: mqtt.js emits "connect" only after
  // resending its own stored messages, and redelivered messages may arrive before that.
  client.on('packetreceive', (packet) => {
    if (packet.cmd === 'connack') window = new AckWindow(client.stream);
  });
  client.on('close', () => {
    if (window) window.open = false;
    // mqtt.js may still hand over packets it parsed from the lost connection. They must all pass
    // now, before the next connection opens a new window they could be mistaken for.
    const release = held;
    held = undefined;
    release?.();
  });

  const settle = (w: AckWindow, entry: AckWindow['entries'][number], outcome: 'ack' | 'keep') => {
    entry.outcome = outcome;
    while (w.entries.length > 0 && w.entries[0]!.outcome !== undefined) {
      const done = w.entries.shift()!;
      if (done.outcome !== 'ack' || !w.open || !client.connected || client.stream !== w.stream) continue;
      const id = done.messageId;
      w.stream.write(Uint8Array.of(0x40, 0x02, (id >> 8) & 0xff, id & 0xff));
    }
  };

  client.handleMessage = (packet, callback) => {
    // Stopping: leave it unacknowledged for the next session.
    if (stopping) return callback(ACK_IS_OURS);
    const w = window;
    const live = w !== undefined && w.open;
    // From a lost connection: a persistent session gets a QoS 1 message again; QoS 0 and a
    // clean session never will, so those are still handled (no acknowledgement is possible).
    if (!live && managed.persistent && packet.qos > 0) return callback(ACK_IS_OURS);
    let slot: { readonly w: AckWindow; readonly entry: AckWindow['entries'][number] } | undefined;
    if (live && packet.qos > 0 && packet.messageId !== undefined) {
      slot = { w, entry: { messageId: packet.messageId } };
      w.entries.push(slot.entry);
    }
    const task: Promise<void> = options
      .handle(incoming(packet))
      .then(
        () => {
          if (slot) settle(slot.w, slot.entry, 'ack');
        },
        (error: unknown) => {
          if (slot) settle(slot.w, slot.entry, 'keep');
          log.debug('MQTT message left unacknowledged', {
            topic: packet.topic,
            messageId: packet.messageId,
            error: error instanceof Error ? error.message : String(error),
          });
        },
      )
      .finally(() => {
        inFlight.delete(task);
        const release = held;
        held = undefined;
        release?.();
      });
    inFlight.add(task);
    // A full window holds the parser (and so the broker) until a handler finishes.
    if (live && inFlight.size >= maxInFlight) held = () => callback(ACK_IS_OURS);
    else callback(ACK_IS_OURS);
  };

  if (options.unsubscribe && options.unsubscribe.length > 0) {
    client.unsubscribe([...options.unsubscribe], (error) => {
      if (error)
        log.warn('could not drop an earlier MQTT subscription', { filters: options.unsubscribe, error: error.message });
    });
  }
  const ready = new Promise<void>((resolve, reject) => {
    // MQTT 5: retain handling 1 sends retained messages only for a new subscription, not again
    // on every start of a persistent session.
    const subOptions = managed.protocolVersion === 5 ? { qos: options.qos, rh: 1 } : { qos: options.qos };
    client.subscribe(filter, subOptions, (error, granted) => {
      const code = granted?.[0]?.qos;
      if (error) reject(error);
      else if (code !== undefined && code >= 0x80) {
        reject(
          new AuthError('MQTT_SUBSCRIBE_REFUSED', `${managed.url} refused the subscription to ${filter}.`, {
            details: { url: managed.url, filter, reasonCode: code },
          }),
        );
      } else resolve();
    });
  });
  // Callers that do not wait for ready must not see an unhandled rejection.
  ready.catch(() => undefined);

  return {
    clientId: managed.clientId,
    persistent: managed.persistent,
    ready,
    stop({ force = false, graceMs = 10000 } = {}) {
      stopped ??= (async () => {
        stopping = true;
        const release = held;
        held = undefined;
        release?.();
        let cut = force;
        if (!force && inFlight.size > 0) {
          let timer: NodeJS.Timeout | undefined;
          const grace = new Promise<'late'>((resolve) => {
            timer = setTimeout(() => resolve('late'), graceMs);
          });
          cut = (await Promise.race([Promise.allSettled([...inFlight]), grace])) === 'late';
          clearTimeout(timer);
          if (cut)
            log.warn('MQTT subscription stopped with messages still being handled', {
              clientId: managed.clientId,
              inFlight: inFlight.size,
            });
        }
        await managed.end(cut);
      })();
      return stopped;
    },
  };
}

function incoming(packet: IPublishPacket): IncomingMqttMessage {
  const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
  return {
    topic: packet.topic,
    payload,
    qos: packet.qos,
    retain: packet.retain,
    dup: packet.dup,
    ...(packet.messageId === undefined ? {} : { messageId: packet.messageId }),
    ...(packet.properties ? { properties: packet.properties } : {}),
  };
}
