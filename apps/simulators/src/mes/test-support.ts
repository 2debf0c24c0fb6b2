import { randomBytes } from 'node:crypto';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { validateEvent } from '@millrace/canonical';
import type { ScenarioResult } from './types.ts';

/** A message as a test subscriber got it. */
export interface Received {
  readonly topic: string;
  readonly payload: Buffer;
  readonly text: string;
  readonly retain: boolean;
  readonly dup: boolean;
  readonly qos: number;
  /** MQTT 5 user properties, when the broker passed them on. */
  readonly userProperties?: Readonly<Record<string, string | string[]>>;
}

export interface Subscriber {
  readonly client: MqttClient;
  readonly messages: Received[];
  /** Resolves once `pred` holds for the messages so far; rejects after timeoutMs with what was seen. */
  waitUntil(pred: (ms: readonly Received[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export async function subscribe(url: string, filters: string[], options: IClientOptions = {}): Promise<Subscriber> {
  const client = await connectAsync(url, {
    clientId: unique('mes-test-sub'),
    reconnectPeriod: 0,
    connectTimeout: 3000,
    ...options,
  });
  const messages: Received[] = [];
  const waiters = new Set<() => void>();
  client.on('message', (topic, payload, packet) => {
    messages.push({
      topic,
      payload,
      text: payload.toString('utf8'),
      retain: packet.retain,
      dup: packet.dup,
      qos: packet.qos,
      ...(packet.properties?.userProperties ? { userProperties: packet.properties.userProperties } : {}),
    });
    for (const w of waiters) w();
  });
  await client.subscribeAsync(filters, { qos: 1 });
  return {
    client,
    messages,
    waitUntil(pred, timeoutMs = 10_000, what = 'the expected messages') {
      if (pred(messages)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pred(messages)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; got ${messages.length} messages`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close: () => client.endAsync(true),
  };
}

/** True when something answers MQTT at the URL (the real Mosquitto on 127.0.0.1:1883). */
export async function brokerAnswers(url: string): Promise<boolean> {
  try {
    const probe = await connectAsync(url, { clientId: unique('probe'), connectTimeout: 1000, reconnectPeriod: 0 });
    await probe.endAsync(true);
    return true;
  } catch {
    return false;
  }
}

/** What a consumer can tell about a batch-completed message from its bytes alone. */
export type Verdict =
  | { readonly kind: 'valid'; readonly id: string; readonly event: Record<string, unknown> }
  | { readonly kind: 'invalid'; readonly id: string | undefined; readonly reason: string };

export function judge(text: string): Verdict {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { kind: 'invalid', id: /"id":"([^"]+)"/.exec(text)?.[1], reason: 'not JSON' };
  }
  const problems = validateEvent(event);
  if (problems.length > 0)
    return {
      kind: 'invalid',
      id: String(event.id),
      reason: problems.map((p) => `${p.pointer} ${p.message}`).join('; '),
    };
  return { kind: 'valid', id: String(event.id), event };
}

interface Param {
  name: string;
  value: string;
  lowerLimit?: string;
  upperLimit?: string;
  inSpec: boolean;
}

/** An out-of-spec decided from the values themselves, not from the inSpec flags alone. */
export function outsideLimits(p: Param): boolean {
  const v = Number(p.value);
  return (
    (p.lowerLimit !== undefined && v < Number(p.lowerLimit)) || (p.upperLimit !== undefined && v > Number(p.upperLimit))
  );
}

/**
 * Classifies the batch-completed messages a subscriber received, by content only, and returns the
 * counts a consumer would arrive at: distinct events that are good, out of spec or malformed,
 * and event ids delivered more than once.
 */
export function tally(messages: readonly Received[]) {
  const completed = messages.filter((m) => m.topic.endsWith('/events/batch-completed'));
  const deliveries = new Map<string, number>();
  const kinds = new Map<string, 'good' | 'out-of-spec' | 'malformed'>();
  const problems: string[] = [];
  for (const m of completed) {
    const v = judge(m.text);
    const id = v.id ?? `unknown-${deliveries.size}`;
    deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
    if (v.kind === 'invalid') {
      kinds.set(id, 'malformed');
      continue;
    }
    const params = ((v.event.data as { processParameters?: Param[] }).processParameters ?? []) as Param[];
    const flagged = params.filter((p) => !p.inSpec);
    for (const p of params)
      if (outsideLimits(p) === p.inSpec) problems.push(`${id}: ${p.name}=${p.value} has inSpec ${p.inSpec}`);
    if (flagged.length > 1) problems.push(`${id}: more than one parameter out of spec`);
    kinds.set(id, flagged.length === 0 ? 'good' : 'out-of-spec');
  }
  const count = (k: string) => [...kinds.values()].filter((x) => x === k).length;
  return {
    good: count('good'),
    outOfSpec: count('out-of-spec'),
    malformed: count('malformed'),
    duplicated: [...deliveries.values()].filter((n) => n > 1).length,
    kinds,
    problems,
  };
}

/** The position of the first message carrying an event id (by its text), or -1. */
export function positionOf(messages: readonly Received[], eventId: string): number {
  return messages.findIndex((m) => m.text.includes(`"id":"${eventId}"`));
}

/** Waits until every message the run put on the broker has arrived. */
export function waitForRun(sub: Subscriber, result: ScenarioResult, filterSuffix = '/events/'): Promise<void> {
  return sub.waitUntil(
    (ms) => ms.filter((m) => m.topic.includes(filterSuffix)).length >= result.counts.published,
    15_000,
    `${result.counts.published} events of ${result.runId}`,
  );
}
