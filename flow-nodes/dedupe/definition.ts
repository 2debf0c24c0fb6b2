import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';

export const definition = nodeSpec({
  type: 'dedupe',
  version: 1,
  title: 'Dedupe',
  description:
    'Lets a business key through once per window (the MES event id, a lot number): a repeat within the window leaves by "duplicate". The window is stored durably, shared by every run of the flow, and survives restarts; a step that runs again after a crash still counts as the first.',
  category: 'routing',
  config: Type.Object(
    {
      key: Expression('The business key, an expression over msg, such as msg.payload.eventId.'),
      windowMs: Type.Integer({ minimum: 1000, maximum: 31_536_000_000, description: 'How long a key is remembered.' }),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    { id: 'out', label: 'First', description: 'The first message with this key in the window.' },
    {
      id: 'duplicate',
      label: 'Duplicate',
      description: 'A repeat; header first-seen-by names the step that came first.',
    },
  ],
  errors: [{ code: 'DEDUPE_KEY_MISSING', category: 'data', description: 'The key expression gave nothing.' }],
});
