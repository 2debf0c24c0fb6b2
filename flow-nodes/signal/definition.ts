import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';
import { Channel } from '../wait.event/definition.ts';

export const definition = nodeSpec({
  type: 'signal',
  version: 1,
  title: 'Signal',
  description:
    'Wakes the runs waiting (wait.event) on a channel with a matching key, with a payload. A signal nobody waits for yet is kept for a day, so a fast answer is not lost. Use it in the flow that receives the awaited event (a QMS webhook, an MQTT message).',
  category: 'waiting',
  sideEffect: true,
  config: Type.Object(
    {
      channel: Channel,
      key: Expression('The key of the waits to wake, such as msg.payload.inspectionId.'),
      payload: Type.Optional(
        Type.Union([Type.Literal('payload'), Expression('An expression whose value is the signal.')], {
          default: 'payload',
          description: '"payload" sends the message payload.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [{ id: 'out', label: 'Sent', description: 'The message goes on; header woken = how many waits woke.' }],
  errors: [{ code: 'SIGNAL_KEY_MISSING', category: 'data', description: 'The key expression gave nothing.' }],
});
