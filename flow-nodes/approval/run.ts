import { DataError, defineNode, emitText } from '@millrace/node-sdk';
import { APPROVAL_CHANNEL, definition } from './definition.ts';

interface Decision {
  readonly decision: 'approved' | 'rejected';
  readonly signer: string;
  readonly meaning: string;
  readonly reason?: string;
  readonly signedAt: string;
}

function isDecision(v: unknown): v is Decision {
  const d = v as Partial<Decision> | null;
  return (
    !!d &&
    (d.decision === 'approved' || d.decision === 'rejected') &&
    typeof d.signer === 'string' &&
    typeof d.signedAt === 'string' &&
    typeof d.meaning === 'string'
  );
}

export const node = defineNode({
  ...definition,
  async run(ctx) {
    const config = ctx.config as { meaning: string; timeoutMs?: number };
    const resume = ctx.resume;
    if (resume?.kind === 'timeout') return emitText('timeout', ctx.message.payloadText, ctx.message.headers);
    if (resume?.kind === 'signal') {
      if (!isDecision(resume.payload))
        throw new DataError(
          'APPROVAL_DECISION_INVALID',
          'the approval signal is not a signed decision (decision, signer, meaning, signedAt)',
        );
      return emitText(
        resume.payload.decision,
        `{"input":${ctx.message.payloadText},"decision":${resume.payloadText}}`,
        ctx.message.headers,
      );
    }
    return {
      kind: 'wait',
      channel: APPROVAL_CHANNEL,
      key: `${ctx.run.id}/${ctx.node.id}`,
      ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
    };
  },
});
