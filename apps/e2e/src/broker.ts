import { randomBytes } from 'node:crypto';
import { connectAsync } from 'mqtt';

export const MOSQUITTO = 'mqtt://127.0.0.1:1883';

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** Whether an MQTT broker accepts a connection at `url` within a second. */
export async function brokerAnswers(url: string): Promise<boolean> {
  try {
    const probe = await connectAsync(url, { clientId: unique('e2e-probe'), connectTimeout: 1000, reconnectPeriod: 0 });
    await probe.endAsync(true);
    return true;
  } catch {
    return false;
  }
}

/**
 * Clears the retained messages a run left under `prefix` on a shared broker (the flows publish
 * retained traceability records), so the broker does not fill up run after run.
 */
export async function clearRetained(url: string, prefix: string): Promise<number> {
  const client = await connectAsync(url, { clientId: unique('e2e-clean'), reconnectPeriod: 0 });
  try {
    const topics = new Set<string>();
    client.on('message', (topic, payload, packet) => {
      if (packet.retain && payload.length > 0) topics.add(topic);
    });
    await client.subscribeAsync(`${prefix}#`, { qos: 0 });
    await new Promise((r) => setTimeout(r, 500));
    await client.unsubscribeAsync(`${prefix}#`);
    for (const topic of topics) await client.publishAsync(topic, '', { qos: 1, retain: true });
    return topics.size;
  } finally {
    await client.endAsync();
  }
}
