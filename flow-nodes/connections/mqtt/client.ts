import type { IPublishPacket } from 'mqtt';
import { CancelledError, DataError, TransientError, type Logger } from '@millrace/node-sdk';
import { publishError } from './classify.ts';
import { ManagedClient, describeBrokerUrl, type MqttBinding } from './managed-client.ts';
import { subscribe, type SubscribeOptions, type Subscription } from './subscription.ts';
import { topicNameProblem } from './topic.ts';

export interface PublishOptions {
  /** @default 1 */
  readonly qos?: 0 | 1 | 2;
  /** @default false */
  readonly retain?: boolean;
  /** Overrides the connection's publishTimeoutMs; covers waiting for the connection too. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** MQTT 5 only (ignored on 3.1.1): user properties, content type… */
  readonly properties?: IPublishPacket['properties'];
}

/** The open `mqtt` connection: what nodes get as `ctx.connection`. */
export interface MqttConnection {
  /** The broker URL without credentials. */
  readonly url: string;
  readonly protocolVersion: 4 | 5;
  /**
   * Publishes one message. Resolves when the broker has it: on PUBACK for QoS 1, PUBCOMP for
   * QoS 2, once written for QoS 0. Rejects with a FlowError: TransientError when not connected
   * or not acknowledged in time, AuthError when the broker refuses our credentials, DataError
   * for a topic that is not a valid topic name.
   */
  publish(topic: string, payload: string | Uint8Array, options?: PublishOptions): Promise<void>;
  /** A subscription on a session of its own, acknowledging each message once handled. */
  subscribe(options: SubscribeOptions): Subscription;
  /** Stops every subscription and the publishing client (see Subscription.stop for `force`). */
  close(options?: { readonly force?: boolean }): Promise<void>;
}

/**
 * Opens an `mqtt` connection. Nothing connects until the first publish or subscription, so a
 * plant profile may bind a broker that is down at start-up, and a connection used only by
 * triggers holds no idle publishing session.
 */
export function createMqttConnection(binding: MqttBinding, options: { readonly log: Logger }): MqttConnection {
  const url = describeBrokerUrl(binding.url);
  const publishTimeoutMs = binding.publishTimeoutMs ?? 10000;
  const subscriptions = new Set<Subscription>();
  let publisher: ManagedClient | undefined;
  let closed = false;

  return {
    url,
    protocolVersion: binding.protocolVersion ?? 4,

    async publish(topic, payload, o = {}) {
      const problem = topicNameProblem(topic);
      if (problem)
        throw new DataError('MQTT_TOPIC_INVALID', `"${topic}" cannot be published to: ${problem}.`, {
          details: { topic },
        });
      if (closed) throw new CancelledError('MQTT_CLIENT_CLOSED', `${url}: the connection is closed.`);
      publisher ??= new ManagedClient(binding, { log: options.log });
      const client = publisher;
      const timeoutMs = o.timeoutMs ?? publishTimeoutMs;
      const deadline = Date.now() + timeoutMs;
      await client.waitConnected(timeoutMs, o.signal);
      const qos = o.qos ?? 1;
      await new Promise<void>((resolve, reject) => {
        const finish = (error?: unknown) => {
          clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
          if (error === undefined) resolve();
          else reject(error);
        };
        const onAbort = () => finish(new CancelledError('ABORTED', `${url}: publishing to ${topic} was cancelled.`));
        // The message may still reach the broker after this (mqtt.js resends it after a
        // reconnect): a retried step then publishes twice. At least once, never silently lost.
        const timer = setTimeout(
          () =>
            finish(
              new TransientError(
                'MQTT_PUBLISH_TIMEOUT',
                `${url}: no acknowledgement for the message to ${topic} within ${timeoutMs} ms.`,
                {
                  details: { url, topic, qos, timeoutMs },
                },
              ),
            ),
          Math.max(0, deadline - Date.now()),
        );
        o.signal?.addEventListener('abort', onAbort, { once: true });
        client.client.publish(
          topic,
          typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
          {
            qos,
            retain: o.retain ?? false,
            ...(client.protocolVersion === 5 && o.properties ? { properties: o.properties } : {}),
          },
          (error) => finish(error ? publishError(error, url, topic) : undefined),
        );
      });
    },

    subscribe(o) {
      if (closed) throw new CancelledError('MQTT_CLIENT_CLOSED', `${url}: the connection is closed.`);
      const subscription = subscribe(binding, o, options.log);
      subscriptions.add(subscription);
      const stop = subscription.stop.bind(subscription);
      return {
        clientId: subscription.clientId,
        persistent: subscription.persistent,
        ready: subscription.ready,
        async stop(so) {
          subscriptions.delete(subscription);
          await stop(so);
        },
      };
    },

    async close(o = {}) {
      closed = true;
      const ending = [...subscriptions].map((s) => s.stop(o));
      subscriptions.clear();
      if (publisher) ending.push(publisher.end(o.force ?? false));
      await Promise.all(ending);
    },
  };
}
