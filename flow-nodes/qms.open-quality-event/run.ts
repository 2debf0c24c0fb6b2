import { defineNode, type NodeResult } from '@millrace/node-sdk';
import type { HttpClient } from '../connections/http/client.ts';
import { evaluateFields } from '../shared/qms/expressions.ts';
import { checkMergeable, emitResult } from '../shared/qms/output.ts';
import { checkDraft, compact, externalIdOf, given, ref, refList } from '../shared/qms/request-check.ts';
import { callOptions, recordHeaders, withDefaults } from '../shared/qms/run-support.ts';
import { qmsAdapterFor } from '../shared/qms/select.ts';
import type { QualityEventRequest } from '../shared/qms/types.ts';
import { DEFAULTS, definition } from './definition.ts';

export const node = defineNode<typeof definition.config, typeof definition.input, HttpClient>({
  ...definition,
  async run(ctx): Promise<NodeResult> {
    const qms = qmsAdapterFor(ctx.connection, definition.type);
    const { config } = ctx;
    const mode = config.output ?? 'merge';
    checkMergeable(ctx.message, mode, definition.type, 'QMS_PAYLOAD_NOT_OBJECT');

    const expressions = {
      description: config.description,
      title: config.title,
      classification: config.classification,
      affectedMaterials: config.affectedMaterials,
      equipmentId: config.equipmentId,
      ownerId: config.ownerId,
      dueAt: config.dueAt,
      externalId: config.externalId,
      ...withDefaults(config, DEFAULTS),
    };
    const { values } = await evaluateFields(ctx.code, expressions);
    const fields = compact({
      kind: config.kind,
      description: given(values.description),
      title: given(values.title),
      classification: given(values.classification),
      source: config.source,
      affectedLots: refList(values.affectedLots),
      affectedOrders: refList(values.affectedOrders),
      affectedMaterials: refList(values.affectedMaterials),
      equipmentId: ref(values.equipmentId),
      ownerId: ref(values.ownerId),
      dueAt: given(values.dueAt),
    });
    checkDraft({
      schema: 'canonical:QualityEvent@1',
      fields,
      status: 'opened',
      expressions,
      nodeType: definition.type,
      what: 'quality event',
      code: 'QMS_INPUT_INVALID',
    });
    const externalId = externalIdOf(values.externalId, config.externalId, ctx.idempotencyKey, definition.type);

    const request = { ...fields, externalId } as QualityEventRequest;
    const created = await qms.openQualityEvent(request, callOptions(ctx));
    return emitResult(ctx.message, mode, 'qualityEvent', created.record, recordHeaders(created));
  },
});
