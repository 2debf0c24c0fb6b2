import type { Static } from '@sinclair/typebox';
import { ConfigError, DataError, defineNode, emitText, type NodeResult, type RunContext } from '@millrace/node-sdk';
import type { SapClient, SapService } from '../connections/sap-odata-v2/run.ts';
import { isTypedValue } from '../connections/sap-odata-v2/query.ts';
import { definition } from './definition.ts';
import {
  ExpressionPlan,
  checkBody,
  checkEtag,
  planFilter,
  planKey,
  resolveFilter,
  resolveKey,
  type ConditionConfig,
  type ValueConfig,
} from './plan.ts';

type Config = Static<typeof definition.config>;
type Of<O extends Config['operation']> = Extract<Config, { operation: O }>;
type Ctx = RunContext<Config, unknown, SapClient>;
/** What the schema's field → expression maps hold (TypeBox types them as {}). */
type ValueMap = Readonly<Record<string, ValueConfig>>;

export const node = defineNode<typeof definition.config, typeof definition.input, SapClient>({
  ...definition,
  async run(ctx): Promise<NodeResult> {
    const client = ctx.connection;
    if (!client || typeof client.service !== 'function') {
      throw new ConfigError('SAP_NO_CONNECTION', 'sap.odata needs an "sap-odata-v2" connection, and none is bound.');
    }
    const config = ctx.config;
    const service = client.service(config.service);
    switch (config.operation) {
      case 'read-entity':
        return readEntity(ctx, service, config);
      case 'read-collection':
        return readCollection(ctx, service, config);
      case 'create':
        return create(ctx, service, config);
      case 'patch':
        return patch(ctx, service, config);
      case 'function-import':
        return callFunction(ctx, service, config);
    }
  },
});

function call(ctx: Ctx, config: { timeoutMs?: number }) {
  return { signal: ctx.signal, ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }) };
}

async function readEntity(ctx: Ctx, service: SapService, config: Of<'read-entity'>): Promise<NodeResult> {
  const plan = new ExpressionPlan();
  const key = planKey(plan, config.key as string | ValueMap);
  const values = await plan.evaluate(ctx.code);
  const { entity, etag } = await service.readEntity(config.entitySet, resolveKey(key, values, config.entitySet), {
    ...call(ctx, config),
    ...(config.query?.select ? { select: config.query.select } : {}),
    ...(config.query?.expand ? { expand: config.query.expand } : {}),
  });
  return out(ctx, entity, etag);
}

async function readCollection(ctx: Ctx, service: SapService, config: Of<'read-collection'>): Promise<NodeResult> {
  const plan = new ExpressionPlan();
  const { filter: conditions, ...options } = config.query ?? {};
  const filter = conditions ? planFilter(plan, conditions as readonly ConditionConfig[]) : undefined;
  const values = await plan.evaluate(ctx.code);
  const maxPages = config.maxPages ?? 10;
  const result = await service.readCollection(config.entitySet, {
    ...call(ctx, config),
    maxPages,
    query: { ...options, ...(filter ? { filter: resolveFilter(filter, values) } : {}) },
  });
  if (result.next !== undefined) {
    // Emitting part of a collection as if it were all of it would lose data without a trace.
    throw new DataError(
      'SAP_PAGE_LIMIT',
      `${config.entitySet} has more than ${maxPages} pages (${result.results.length} results so far); narrow the filter, set top, or raise maxPages.`,
      {
        details: {
          entitySet: config.entitySet,
          maxPages,
          fetched: result.results.length,
          ...(result.count === undefined ? {} : { count: result.count }),
        },
      },
    );
  }
  return out(ctx, { results: result.results, ...(result.count === undefined ? {} : { count: result.count }) });
}

async function create(ctx: Ctx, service: SapService, config: Of<'create'>): Promise<NodeResult> {
  const plan = new ExpressionPlan();
  const body = config.body === undefined || config.body === 'payload' ? undefined : plan.slot(config.body);
  const values = await plan.evaluate(ctx.code);
  const entity = body ? checkBody(values.get(body), body.expression) : checkBody(ctx.message.payload, 'payload');
  const result = await service.create(config.entitySet, entity, {
    ...call(ctx, config),
    idempotencyKey: ctx.idempotencyKey,
  });
  return out(ctx, result.entity, result.etag);
}

async function patch(ctx: Ctx, service: SapService, config: Of<'patch'>): Promise<NodeResult> {
  const plan = new ExpressionPlan();
  const key = planKey(plan, config.key as string | ValueMap);
  const body = config.body === undefined || config.body === 'payload' ? undefined : plan.slot(config.body);
  const etagSlot = config.etag === undefined ? undefined : plan.slot(config.etag);
  const values = await plan.evaluate(ctx.code);
  const keyValue = resolveKey(key, values, config.entitySet);
  const changes = body ? checkBody(values.get(body), body.expression) : checkBody(ctx.message.payload, 'payload');
  const etag = etagSlot ? checkEtag(values.get(etagSlot), etagSlot.expression) : undefined;
  const overwrite = (config.onConflict ?? 'fail') === 'overwrite';
  // See UpdateOptions: a given ETag is strict unless the flow accepts last-writer-wins.
  const ifMatch = overwrite ? { ifMatch: 'auto', ...(etag ? { etag } : {}) } : etag ? { ifMatch: etag } : {};
  const result = await service.update(config.entitySet, keyValue, withoutMetadata(changes), {
    ...call(ctx, config),
    ...ifMatch,
    method: config.method ?? 'PATCH',
    idempotencyKey: ctx.idempotencyKey,
  });
  return out(
    ctx,
    { entitySet: config.entitySet, key: plainKey(keyValue), ...(result.etag ? { etag: result.etag } : {}) },
    result.etag,
  );
}

async function callFunction(ctx: Ctx, service: SapService, config: Of<'function-import'>): Promise<NodeResult> {
  const plan = new ExpressionPlan();
  const params = Object.entries((config.parameters ?? {}) as ValueMap).map(
    ([name, v]) => [name, plan.slot(v)] as const,
  );
  const values = await plan.evaluate(ctx.code);
  const method = config.method ?? 'POST';
  const result = await service.callFunction(
    config.function,
    Object.fromEntries(params.map(([name, slot]) => [name, values.typed(slot)])),
    { ...call(ctx, config), method, ...(method === 'POST' ? { idempotencyKey: ctx.idempotencyKey } : {}) },
  );
  return out(ctx, result ?? null);
}

/**
 * A read entity carries `__metadata` (uri, type, etag) and `{ __deferred }` stubs for its
 * navigation properties; sent back in a PATCH they name properties the entity type does not
 * have. Flows that change what they read get them dropped.
 */
function withoutMetadata(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (field === '__metadata' || isDeferred(value)) continue;
    out[field] = value;
  }
  return out;
}

/** The key as the flow gave it, without the OData types of typed fields. */
function plainKey(key: unknown): unknown {
  if (key === null || typeof key !== 'object' || Array.isArray(key)) return key;
  if (isTypedValue(key)) return key.value;
  return Object.fromEntries(Object.entries(key).map(([field, v]) => [field, isTypedValue(v) ? v.value : v]));
}

function isDeferred(value: unknown): boolean {
  return value !== null && typeof value === 'object' && '__deferred' in value && Object.keys(value).length === 1;
}

function out(ctx: Ctx, payload: unknown, etag?: string): NodeResult {
  const headers = etag ? { etag } : undefined;
  const field = ctx.config.mergeAs;
  if (field === undefined) return emitText('out', JSON.stringify(payload), headers);
  const kept = JSON.parse(ctx.message.payloadText) as unknown;
  const base = kept !== null && typeof kept === 'object' && !Array.isArray(kept) ? kept : { input: kept };
  return emitText('out', JSON.stringify({ ...base, [field]: payload }), headers);
}
