import { createNodeState, type Engine, type FlowPlan, type Store } from '@millrace/engine';
import type { Logger, TriggerContext, TriggerDefinition } from '@millrace/node-sdk';

function isStartable(def: unknown): def is TriggerDefinition {
  return typeof (def as { start?: unknown }).start === 'function';
}

/**
 * Starts every listening trigger of a deployed flow (trigger.mqtt, trigger.schedule, …). Each
 * hands its events to the engine through `accept`, which resolves only once the event is
 * durable; the trigger acknowledges its source then. Webhook triggers have no listener of their
 * own: the HTTP ingress serves them. Returns a function that stops them all.
 */
export async function startTriggers(
  plan: FlowPlan,
  engine: Engine,
  store: Store,
  log: Logger,
): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  const abort = new AbortController();
  try {
    for (const node of plan.nodes.values()) {
      if (!node.isTrigger || !isStartable(node.def)) continue;
      const ctx: TriggerContext = {
        config: node.node.config,
        connection: node.connection,
        params: plan.params,
        signal: abort.signal,
        log,
        state: createNodeState(store, `${plan.id}/${node.id}`, Date.now),
        async accept(event) {
          const accepted = await engine.accept(
            plan.id,
            { payloadText: event.payloadText, headersText: event.headers ? JSON.stringify(event.headers) : null },
            { triggerNodeId: node.id },
          );
          return { runId: String(accepted.runId), duplicate: accepted.duplicate };
        },
        async reject(event, error) {
          // Kept as a dead letter before the source is acknowledged: nothing is lost.
          const headersText = event.headers ? JSON.stringify(event.headers) : null;
          const runId = await engine.reject(plan.id, node.id, { payloadText: event.payloadText, headersText }, error);
          log.warn('an event the flow could not take is kept in dead letters', {
            flowId: plan.id,
            nodeId: node.id,
            runId,
            code: error.code,
            sourceKey: event.sourceKey,
          });
        },
      };
      stops.push(await node.def.start(ctx));
    }
  } catch (e) {
    abort.abort();
    for (const stop of stops) await stop().catch(() => undefined);
    throw e;
  }
  return async () => {
    abort.abort();
    for (const stop of stops) await stop();
  };
}
