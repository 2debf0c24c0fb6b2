import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';

/** Signals of signed decisions arrive on this channel, keyed by run id and node id. */
export const APPROVAL_CHANNEL = 'approval';

export const definition = nodeSpec({
  type: 'approval',
  version: 1,
  title: 'Approval',
  description:
    'Waits, durably, for a person to sign a decision (who, meaning, reason, time), as 21 CFR Part 11 asks for a batch release. The decision is given through the API by a user with the approver role after re-entering the password; it arrives as a signal on channel "approval" keyed "<runId>/<nodeId>".',
  category: 'waiting',
  config: Type.Object(
    {
      meaning: Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'What the signature means, such as "batch release".',
      }),
      instructions: Type.Optional(Type.String({ maxLength: 2000, description: 'What the approver should check.' })),
      role: Type.Optional(Type.String({ minLength: 1, default: 'approver', description: 'Role allowed to sign.' })),
      timeoutMs: Type.Optional(
        Type.Integer({ minimum: 1, description: 'Leave by "timeout" when nobody decided by then.' }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    { id: 'approved', label: 'Approved', description: 'payload = { input, decision }' },
    { id: 'rejected', label: 'Rejected', description: 'payload = { input, decision }' },
    { id: 'timeout', label: 'Timeout', description: 'payload = the message that waited.' },
  ],
  errors: [
    { code: 'APPROVAL_DECISION_INVALID', category: 'data', description: 'The signal is not a signed decision.' },
  ],
});
