import { Type } from '@sinclair/typebox';
import { RoleSchema } from '../auth/schemas.ts';
import { DigitsId, Iso, NullableIso, NullableString, Sha256Hex } from '../schemas.ts';

/** Answer schemas of approvals: signatures as signatureJson shows them, and the pending list. */

export const SignatureAnswer = Type.Object({
  id: Type.String({ format: 'uuid' }),
  runId: DigitsId,
  nodeId: Type.String(),
  flow: Type.String(),
  version: Type.String(),
  plant: NullableString,
  userId: Type.String(),
  username: Type.String(),
  printedName: Type.String(),
  role: RoleSchema,
  meaning: Type.String(),
  decision: Type.Union([Type.Literal('approved'), Type.Literal('rejected')]),
  reason: Type.String(),
  signedAt: Iso,
  recordDigest: Sha256Hex,
  deliveredAt: NullableIso,
});

export const PendingApprovals = Type.Object({
  approvals: Type.Array(
    Type.Object({
      runId: DigitsId,
      flow: Type.String(),
      version: Type.String(),
      plant: NullableString,
      nodeId: Type.String(),
      // Null when the run's flow version is not deployed here (its node config cannot be read).
      meaning: NullableString,
      instructions: NullableString,
      role: NullableString,
      businessKeys: Type.Unknown(),
      waitingSince: Iso,
      timesOutAt: NullableIso,
      input: Type.Unknown({ description: 'what is signed: the waiting step input, or the inputs in step order' }),
      signature: Type.Union([SignatureAnswer, Type.Null()], {
        description: 'set when signed but not yet delivered: the signer retries',
      }),
    }),
  ),
});

export const RunSignatures = Type.Object({ runId: DigitsId, signatures: Type.Array(SignatureAnswer) });
