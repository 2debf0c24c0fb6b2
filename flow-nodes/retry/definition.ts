import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';

export const definition = nodeSpec({
  type: 'retry',
  version: 1,
  title: 'Retry',
  description:
    'Sets the retry policy of the node it feeds, overriding the flow\'s. When that node gives up, the message goes out of "exhausted" here instead of failing the run.',
  category: 'resilience',
  pure: true,
  config: Type.Object(
    {
      maxAttempts: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'Attempts in all, the first one included.' }),
      ),
      initialMs: Type.Optional(
        Type.Integer({ minimum: 0, default: 500, description: 'Delay before the second attempt.' }),
      ),
      multiplier: Type.Optional(Type.Number({ minimum: 1, maximum: 10, default: 2 })),
      maxMs: Type.Optional(Type.Integer({ minimum: 0, default: 60000, description: 'No delay is longer than this.' })),
      jitter: Type.Optional(Type.Boolean({ default: true })),
      honorRetryAfter: Type.Optional(
        Type.Boolean({ default: true, description: 'Wait at least what Retry-After asks for.' }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    { id: 'out', label: 'Try' },
    { id: 'exhausted', label: 'Exhausted', description: 'payload = { input, error, attempts }' },
  ],
  errorPort: false,
});
