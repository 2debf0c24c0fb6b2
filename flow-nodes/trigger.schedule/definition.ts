import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';

export const definition = nodeSpec({
  type: 'trigger.schedule',
  version: 1,
  title: 'Schedule',
  description:
    'Starts a run on a cron schedule (5 fields, or 6 with seconds), in a chosen time zone. Fires missed while the runtime was down follow a stated policy: skip them, run once for all of them (default), or run each (at most 100).',
  category: 'trigger',
  config: Type.Object(
    {
      cron: Type.String({
        minLength: 9,
        description: 'Cron pattern such as "0 6 * * 1-5" (06:00 on weekdays) or "*/30 * * * * *" (every 30 s).',
        'x-widget': 'cron',
      }),
      timezone: Type.Optional(
        Type.String({ minLength: 1, description: 'IANA time zone such as Europe/Berlin; UTC when absent.' }),
      ),
      missed: Type.Optional(
        Type.Union([Type.Literal('skip'), Type.Literal('run-once'), Type.Literal('run-all')], {
          default: 'run-once',
          description: 'What to do with fires missed while down.',
        }),
      ),
      payload: Type.Optional(
        Type.Object({}, { additionalProperties: true, description: 'Extra fields for every event.' }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [{ id: 'out', label: 'Fired', description: 'payload = { scheduledAt, firedAt, missed, ...payload }' }],
  errors: [
    { code: 'SCHEDULE_INVALID', category: 'config', description: 'The cron pattern or time zone is not valid.' },
  ],
});
