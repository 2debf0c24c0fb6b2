import { Type } from '@sinclair/typebox';
import type { RouteDef } from '../api.ts';
import { HttpError } from '../problem.ts';
import { DigitsId, Iso, NullableString, Sha256Hex } from '../schemas.ts';
import { MAX_LIST, type Audit, type AuditRecord } from './audit.ts';

const AuditQuery = Type.Object(
  {
    action: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.\\*)?$',
        'x-hint': "an action such as user.create, or a family such as 'user.*'",
      }),
    ),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, 'x-hint': "a username, or 'system'" })),
    targetKind: Type.Optional(Type.String({ minLength: 1, maxLength: 64, 'x-hint': 'user, token, dead_letter, …' })),
    targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    since: Type.Optional(Type.String({ format: 'date-time', 'x-hint': 'ISO 8601 time, inclusive' })),
    until: Type.Optional(Type.String({ format: 'date-time', 'x-hint': 'ISO 8601 time, exclusive' })),
    beforeSeq: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,15}$', 'x-hint': "only older records: the previous page's `next`" }),
    ),
    limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$', 'x-hint': '1 to 1000 (default 100)' })),
  },
  // Closed: a misspelt filter must not silently answer with everything.
  { additionalProperties: false },
);

const NullableDigest = Type.Union([Sha256Hex, Type.Null()]);

const AuditList = Type.Object({
  records: Type.Array(
    Type.Object({
      seq: Type.Integer({ minimum: 1 }),
      at: Iso,
      actor: Type.String({ description: "a username, or 'system'" }),
      actorRole: Type.String({ description: "the actor's role then, or 'system'" }),
      action: Type.String(),
      target: Type.Object({ kind: Type.String(), id: Type.String() }),
      reason: NullableString,
      beforeDigest: NullableDigest,
      afterDigest: NullableDigest,
      details: Type.Unknown({ description: 'an object (the raw text if a row was edited into something else)' }),
      prevHash: Sha256Hex,
      hash: Sha256Hex,
    }),
  ),
  next: Type.Union([DigitsId, Type.Null()]),
});

const AuditIntact = Type.Object({
  ok: Type.Literal(true),
  rows: Type.Integer({ minimum: 0 }),
  head: Type.Union([Type.Object({ seq: Type.Integer({ minimum: 1 }), hash: Sha256Hex }), Type.Null()]),
});

/** A record as the API shows it: times as ISO text. */
export const auditRecordJson = (r: AuditRecord) => ({ ...r, at: new Date(r.at).toISOString() });

/** The audit log for admins: read it with filters, and check its chain. */
export function auditRoutes(audit: Audit): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/audit',
      response: AuditList,
      access: 'admin',
      tag: 'audit',
      summary:
        'Audit records, newest first, filtered by action, actor, target, time; `next` pages on (pass it as beforeSeq)',
      query: AuditQuery,
      handler({ query }) {
        const limit = query.limit === undefined ? 100 : Number(query.limit);
        const records = audit.list({
          ...(query.action !== undefined ? { action: query.action } : {}),
          ...(query.actor !== undefined ? { actor: query.actor } : {}),
          ...(query.targetKind !== undefined ? { targetKind: query.targetKind } : {}),
          ...(query.targetId !== undefined ? { targetId: query.targetId } : {}),
          ...(query.since !== undefined ? { since: Date.parse(query.since) } : {}),
          ...(query.until !== undefined ? { until: Date.parse(query.until) } : {}),
          ...(query.beforeSeq !== undefined ? { beforeSeq: Number(query.beforeSeq) } : {}),
          limit: Math.min(limit, MAX_LIST),
        });
        const last = records.at(-1);
        return {
          body: {
            records: records.map(auditRecordJson),
            // Only when the page is full: there may be more.
            next: records.length === limit && last ? String(last.seq) : null,
          },
          headers: { 'cache-control': 'no-store' },
        };
      },
    },
    {
      method: 'get',
      path: '/api/audit/verify',
      response: AuditIntact,
      access: 'admin',
      tag: 'audit',
      summary:
        'Checks the hash chain from the first record: 200 { ok, rows, head } when intact, else 409 naming the first broken record',
      responses: {
        409: 'the chain is broken (code AUDIT_CHAIN_BROKEN): brokenAt is the seq of the first bad record, why says how',
      },
      handler() {
        const v = audit.verify();
        if (!v.ok)
          throw new HttpError(
            409,
            'AUDIT_CHAIN_BROKEN',
            'Audit chain broken',
            `the audit log has been tampered with at record ${v.brokenAt}: ${v.why}`,
            { brokenAt: v.brokenAt, why: v.why, rows: v.rows },
          );
        return { body: v, headers: { 'cache-control': 'no-store' } };
      },
    },
  ];
}
