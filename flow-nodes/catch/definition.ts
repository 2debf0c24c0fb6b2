import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';

export const definition = nodeSpec({
  type: 'catch',
  version: 1,
  title: 'Catch',
  description:
    "The flow's error handler: a step that gives up (retries exhausted or not retryable) without an error port or a retry node of its own goes here instead of parking the run, with { error, input, source }. Filter by error category or code; errors it does not take park the run as usual.",
  category: 'resilience',
  entry: true,
  inputs: [],
  errorPort: false,
  config: Type.Object(
    {
      categories: Type.Optional(
        Type.Array(
          Type.Union(
            ['validation', 'config', 'auth', 'transient', 'remote', 'data', 'sandbox', 'internal'].map((c) =>
              Type.Literal(c),
            ),
          ),
          { uniqueItems: true, description: 'Only errors of these categories; all when absent.' },
        ),
      ),
      codes: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), {
          uniqueItems: true,
          description: 'Only errors with these codes; all when absent.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    { id: 'out', label: 'Caught', description: 'payload = { error, input, source: { nodeId, type, attempt } }' },
  ],
});
