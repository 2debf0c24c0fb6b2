import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';

export const Channel = Type.String({
  pattern: '^[a-z][a-z0-9]*([.-][a-z0-9]+)*$',
  maxLength: 100,
  description: 'Name of the signal channel, such as qms.inspection.decided.',
  'x-hint': 'a channel name such as qms.inspection.decided (lowercase words joined by "." or "-")',
});

export const definition = nodeSpec({
  type: 'wait.event',
  version: 1,
  title: 'Wait for event',
  description:
    "Waits, durably and for as long as it takes, for a signal on a channel whose key matches (a QMS decision on this inspection, another flow's output). Signals are sent by the signal node of any flow. Survives restarts; the time waited becomes the run's cycle time.",
  category: 'waiting',
  config: Type.Object(
    {
      channel: Channel,
      key: Expression('The key to wait for, an expression over msg and params, such as msg.payload.inspectionId.'),
      timeoutMs: Type.Optional(
        Type.Integer({
          minimum: 1,
          description: 'Give up after this long and leave by "timeout". Without it, the wait has no end.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'Event',
      description: 'payload = { input, event }: the message that waited and the signal that came.',
    },
    { id: 'timeout', label: 'Timeout', description: 'payload = the message that waited.' },
  ],
  errors: [{ code: 'WAIT_KEY_MISSING', category: 'data', description: 'The key expression gave nothing to wait for.' }],
});
