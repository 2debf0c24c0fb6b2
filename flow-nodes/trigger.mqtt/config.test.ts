import { describe, expect, it } from 'vitest';
import { validateFlowPublishable, type Catalog } from '@millrace/flow-model';
import catalogJson from '../catalog.json' with { type: 'json' };

// Configs are checked against the generated catalog, as publishing a flow does.
const catalog = catalogJson as unknown as Catalog;

function flow(trigger: Record<string, unknown>, publish: Record<string, unknown> = { topic: 'acme/p100/mes/acks' }) {
  return {
    schemaVersion: 1,
    id: 'line-events',
    name: 'Line events',
    version: '1.0.0',
    connections: { uns: { type: 'mqtt' } },
    nodes: [
      { id: 'events', type: 'trigger.mqtt', version: 1, connection: 'uns', config: trigger },
      { id: 'ack', type: 'mqtt.publish', version: 1, connection: 'uns', config: publish },
    ],
    edges: [{ id: 'e1', from: { node: 'events', port: 'out' }, to: { node: 'ack', port: 'in' } }],
  };
}

const HINT =
  'must be an MQTT topic filter such as plant/+/mes/events/# ("+" fills a whole level, "#" only as the whole last level; no "$share/": use sharedGroup)';

describe('trigger.mqtt and mqtt.publish configs', () => {
  it('publish with wildcard filters, a shared group, Sparkplug and a templated topic', () => {
    const problems = validateFlowPublishable(
      flow(
        { topic: 'spBv1.0/+/DDATA/#', format: 'sparkplug-b', qos: 0, sharedGroup: 'millrace' },
        { topic: 'acme/{{msg.payload.topic}}/ack', qos: 1, retain: false },
      ),
      { catalog },
    );
    expect(problems).toEqual([]);
  });

  it.each(['acme/#/events', 'acme/line+/events', '$share/g/acme/#'])(
    'refuse the topic filter %s, naming the field',
    (topic) => {
      expect(validateFlowPublishable(flow({ topic }), { catalog })).toEqual([
        { pointer: '/nodes/0/config/topic', message: `${HINT}; got "${topic}"`, nodeId: 'events' },
      ]);
    },
  );

  it('refuse QoS 2 for the trigger, a shared group with "/", and a wildcard in a topic to publish to', () => {
    const problems = validateFlowPublishable(
      flow({ topic: 'a/#', qos: 2, sharedGroup: 'a/b' }, { topic: 'acme/+/ack' }),
      {
        catalog,
      },
    );
    expect(problems.map((p) => p.pointer)).toEqual([
      '/nodes/0/config/qos',
      '/nodes/0/config/sharedGroup',
      '/nodes/1/config/topic',
    ]);
  });
});
