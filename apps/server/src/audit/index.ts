/** The audit log of the Millrace server: what the server wires in. */
export {
  Audit,
  actorOf,
  MAX_LIST,
  type AuditActor,
  type AuditEntry,
  type AuditFilter,
  type AuditOptions,
  type AuditRecord,
  type AuditVerdict,
} from './audit.ts';
export { AUDIT_MIGRATIONS } from './migrations.ts';
export { auditRoutes, auditRecordJson } from './routes.ts';
export { auditDigest, AuditRefused, GENESIS_HASH, rowHash, type AuditRow } from './chain.ts';
