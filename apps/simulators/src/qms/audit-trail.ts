import { ENTITY_NAMES, entityByName } from './entities.ts';
import { badRequest } from './errors.ts';
import { ok, route, type Qms } from './kit.ts';
import { page } from './paging.ts';
import { queryInstant } from './validate.ts';

/**
 * GET /audit-trail?entityType=&entityId=&from=&to=: who changed what, when, from which state to
 * which, with signatures. Like Veeva's audit trail API, one query covers at most 30 days; `to`
 * defaults to now and `from` to 30 days before `to`.
 */

const DAY = 86_400_000;
export const MAX_WINDOW_DAYS = 30;
const ALLOWED = new Set(['entityType', 'entityId', 'from', 'to', 'action', 'userId', 'cursor', 'limit']);

export function registerAuditTrail(qms: Qms): void {
  route(qms, 'GET', '/audit-trail', 'read', (req) => {
    const unknown = [...req.query.keys()].filter((k) => !ALLOWED.has(k));
    if (unknown.length > 0)
      throw badRequest('UNKNOWN_FILTER', `cannot filter the audit trail on ${unknown.join(', ')}`, {
        parameters: unknown,
        allowed: [...ALLOWED],
      });
    const to = queryInstant(req.query, 'to') ?? qms.ctx.clock.now();
    const from = queryInstant(req.query, 'from') ?? to - MAX_WINDOW_DAYS * DAY;
    if (from > to) throw badRequest('INVALID_WINDOW', 'from is after to', { from, to });
    if (to - from > MAX_WINDOW_DAYS * DAY)
      throw badRequest(
        'WINDOW_TOO_LARGE',
        `the audit trail is read in windows of at most ${MAX_WINDOW_DAYS} days; narrow from/to`,
        { maxDays: MAX_WINDOW_DAYS },
      );
    const typeParam = req.query.get('entityType');
    const entity = typeParam ? entityByName(typeParam) : undefined;
    if (typeParam && !entity)
      throw badRequest('UNKNOWN_ENTITY_TYPE', `entityType is one of ${ENTITY_NAMES.join(', ')}`, {
        allowed: ENTITY_NAMES,
      });
    const entityId = req.query.get('entityId');
    const action = req.query.get('action');
    const userId = req.query.get('userId');
    const items = qms.store.audit.filter((a) => {
      const at = Date.parse(a.at);
      return (
        at >= from &&
        at <= to &&
        (!entity || a.entityType === entity.name) &&
        (!entityId || a.entityId === entityId) &&
        (!action || a.action === action) &&
        (!userId || a.userId === userId)
      );
    });
    // The window goes into the next link as absolute times, so later pages read the same window.
    const query = new URLSearchParams(req.query);
    query.set('from', new Date(from).toISOString());
    query.set('to', new Date(to).toISOString());
    return ok(page(items, query, '/qms/api/v1/audit-trail', (a) => a.at, 1000));
  });
}
