import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';

export const definition = nodeSpec({
  type: 'notify',
  version: 1,
  title: 'Notify',
  description:
    'Tells people: posts { title, text, severity, flow, run, plant } as JSON to the bound HTTP endpoint (a Teams or Slack incoming webhook relay, an alerting gateway). Title and text are expressions, so they can name the lot and the reason.',
  category: 'business',
  connection: { types: ['http'], required: true },
  sideEffect: true,
  config: Type.Object(
    {
      path: Type.Optional(
        Type.String({ minLength: 1, default: '/', description: "Path under the connection's base URL." }),
      ),
      severity: Type.Optional(
        Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')], { default: 'info' }),
      ),
      title: Expression('The headline, such as `Lot ${msg.payload.lotId} on hold`.'),
      text: Type.Optional(Expression('The body, an expression over msg and params.')),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [{ id: 'out', label: 'Sent', description: 'The message goes on unchanged.' }],
  errors: [
    { code: 'HTTP_TRANSIENT', category: 'transient', description: 'The endpoint is busy or down; retried.' },
    { code: 'HTTP_REJECTED', category: 'remote', description: 'The endpoint refused the notification.' },
  ],
});
