import { defineNode, type NodeResult } from '@millrace/node-sdk';
import type { HttpClient } from '../connections/http/client.ts';
import { evaluateFields } from '../shared/qms/expressions.ts';
import { checkMergeable, emitResult } from '../shared/qms/output.ts';
import { checkDraft, compact, given, ref } from '../shared/qms/request-check.ts';
import { callOptions, recordHeaders, withDefaults } from '../shared/qms/run-support.ts';
import { qmsAdapterFor } from '../shared/qms/select.ts';
import type { InspectionRequest } from '../shared/qms/types.ts';
import { DEFAULTS, definition } from './definition.ts';

export const node = defineNode<typeof definition.config, typeof definition.input, HttpClient>({
  ...definition,
  async run(ctx): Promise<NodeResult> {
    const qms = qmsAdapterFor(ctx.connection, definition.type);
    const mode = ctx.config.output ?? 'merge';
    checkMergeable(ctx.message, mode, definition.type, 'QMS_PAYLOAD_NOT_OBJECT');

    const expressions = withDefaults(ctx.config, DEFAULTS);
    const { values } = await evaluateFields(ctx.code, expressions);
    const request = compact({
      lotId: ref(values.lotId),
      origin: given(values.origin),
      materialId: ref(values.materialId),
      productionOrderId: ref(values.productionOrderId),
      plantId: ref(values.plantId),
      quantity: given(values.quantity),
      specRef: given(values.specRef),
    });
    checkDraft({
      schema: 'canonical:InspectionLot@1',
      fields: request,
      status: 'created',
      expressions,
      nodeType: definition.type,
      what: 'inspection',
      code: 'QMS_INPUT_INVALID',
    });

    const created = await qms.createInspection(request as InspectionRequest, callOptions(ctx));
    return emitResult(ctx.message, mode, 'inspection', created.record, recordHeaders(created));
  },
});
