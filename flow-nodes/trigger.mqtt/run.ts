import { randomBytes } from 'node:crypto';
import { ConfigError, defineTrigger, type NodeState } from '@millrace/node-sdk';
import type { MqttConnection } from '../connections/mqtt/client.ts';
import { subscriptionFilter, topicFilterProblem } from '../connections/mqtt/topic.ts';
import { definition } from './definition.ts';
import { deliver } from './deliver.ts';
import { eventBuilder } from './event.ts';

/** How long start() waits for the broker to grant the subscription before going on without. */
const READY_WAIT_MS = 10000;

/** Where the trigger keeps its session name and what it subscribed to (ctx.state, durable). */
const SESSION_KEY = 'mqtt.session';

interface StoredSession {
  readonly session: string;
  readonly filter: string;
}

/**
 * trigger.mqtt: one subscription, on a client and session of its own, whose QoS 1 messages are
 * acknowledged only once `ctx.accept` resolved. See README.md for the event shape.
 */
export const trigger = defineTrigger<typeof definition.config, MqttConnection>({
  ...definition,
  async start(ctx) {
    const { config } = ctx;
    const connection = ctx.connection;
    if (!connection || typeof connection.subscribe !== 'function') {
      throw new ConfigError('MQTT_NO_CONNECTION', 'trigger.mqtt needs an "mqtt" connection, and none is bound.');
    }
    const problem = topicFilterProblem(config.topic);
    if (problem)
      throw new ConfigError('MQTT_TOPIC_INVALID', `The topic filter "${config.topic}" is not valid: ${problem}.`);
    const build = eventBuilder(config, ctx.log);
    const { session, unsubscribe } = await sessionOf(ctx.state, subscriptionFilter(config.topic, config.sharedGroup));

    const stopping = new AbortController();
    const onAbort = () => stopping.abort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const subscription = connection.subscribe({
      filter: config.topic,
      qos: config.qos ?? 1,
      session,
      unsubscribe,
      ...(config.sharedGroup ? { sharedGroup: config.sharedGroup } : {}),
      handle: async (message) => {
        let built;
        try {
          built = build(message);
        } catch (e) {
          // A bug, not a bad message (those are marked): left unacknowledged, so not lost.
          ctx.log.error('could not turn an MQTT message into an event', { topic: message.topic, error: String(e) });
          throw e;
        }
        return deliver(ctx, built.event, stopping.signal);
      },
    });
    const stop = async () => {
      ctx.signal.removeEventListener('abort', onAbort);
      // From here on no new accept starts; accepts under way finish and are acknowledged.
      stopping.abort();
      await subscription.stop();
    };

    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waited'>((resolve) => {
      timer = setTimeout(() => resolve('waited'), READY_WAIT_MS);
    });
    try {
      // A broker that is down must not keep the runtime from starting: the client keeps trying.
      const outcome = await Promise.race([subscription.ready, waited]);
      if (outcome === 'waited') {
        ctx.log.warn('the MQTT broker has not granted the subscription yet; it will be made once the broker answers', {
          topic: config.topic,
          clientId: subscription.clientId,
        });
        subscription.ready.catch((e: unknown) =>
          ctx.log.error('the MQTT broker refused the subscription', { topic: config.topic, error: String(e) }),
        );
      }
    } catch (refused) {
      await stop();
      throw refused;
    } finally {
      clearTimeout(timer);
    }
    ctx.log.info('MQTT trigger subscribed', {
      topic: config.topic,
      clientId: subscription.clientId,
      persistentSession: subscription.persistent,
    });
    return stop;
  },
});

/**
 * The session suffix of this trigger's client id, made once and kept in the node's durable
 * state, so a restart resumes the same broker session (and gets what was queued meanwhile).
 * When the filter changed since the last start, the old one is dropped from the session.
 */
async function sessionOf(state: NodeState, filter: string): Promise<{ session: string; unsubscribe: string[] }> {
  const stored = (await state.get(SESSION_KEY)) as StoredSession | undefined;
  const session = stored?.session ?? randomBytes(4).toString('hex');
  if (stored?.filter === filter) return { session, unsubscribe: [] };
  await state.put(SESSION_KEY, { session, filter } satisfies StoredSession);
  return { session, unsubscribe: stored ? [stored.filter] : [] };
}
