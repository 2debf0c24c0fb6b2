import { defineNode, type NodeResult } from '@millrace/node-sdk';
import type { HttpClient } from '../connections/http/client.ts';
import { evaluateFields } from '../shared/qms/expressions.ts';
import { checkMergeable, emitResult } from '../shared/qms/output.ts';
import { checkDraft, compact, externalIdOf, given, ref, refList } from '../shared/qms/request-check.ts';
import { callOptions, recordHeaders, withDefaults } from '../shared/qms/run-support.ts';
import { qmsAdapterFor } from '../shared/qms/select.ts';
import type { CapaRequest } from '../shared/qms/types.ts';
import { DEFAULTS, definition } from './definition.ts';

export const node = defineNode<typeof definition.config, typeof definition.input, HttpClient>({
  ...definition,
  async run(ctx): Promise<NodeResult> {
    const qms = qmsAdapterFor(ctx.connection, definition.type);
    const { config } = ctx;
    const mode = config.output ?? 'merge';
    checkMergeable(ctx.message, mode, definition.type, 'QMS_PAYLOAD_NOT_OBJECT');

    const expressions = {
      problemStatement: config.problemStatement,
      ownerId: config.ownerId,
      dueAt: config.dueAt,
      externalId: config.externalId,
      ...withDefaults(config, DEFAULTS),
    };
    const { values } = await evaluateFields(ctx.code, expressions);
    const fields = compact({
      type: config.type ?? 'corrective',
      problemStatement: given(values.problemStatement),
      sourceEventIds: refList(values.sourceEventIds),
      ownerId: ref(values.ownerId),
      dueAt: given(values.dueAt),
    });
    checkDraft({
      schema: 'canonical:CAPA@1',
      fields,
      status: 'initiated',
      expressions,
      nodeType: definition.type,
      what: 'CAPA',
      code: 'QMS_INPUT_INVALID',
    });
    const externalId = externalIdOf(values.externalId, config.externalId, ctx.idempotencyKey, definition.type);

    const request = { ...fields, externalId } as CapaRequest;
    const created = await qms.openCapa(request, callOptions(ctx));
    return emitResult(ctx.message, mode, 'capa', created.record, recordHeaders(created));
  },
});
