import type { ServerDb } from '../db.ts';

/** An electronic signature on one approval node of one run, as stored. Times are epoch ms. */
export interface Signature {
  readonly id: string;
  readonly runId: number;
  readonly nodeId: string;
  readonly flowId: string;
  readonly flowVersion: string;
  readonly plant: string | null;
  readonly userId: string;
  readonly username: string;
  readonly printedName: string;
  readonly role: string;
  readonly meaning: string;
  readonly decision: 'approved' | 'rejected';
  readonly reason: string;
  readonly signedAt: number;
  readonly recordDigest: string;
  readonly deliveredAt: number | null;
}

const COLUMNS = `id, run_id AS runId, node_id AS nodeId, flow_id AS flowId, flow_version AS flowVersion, plant,
  user_id AS userId, username, printed_name AS printedName, role, meaning, decision, reason,
  signed_at AS signedAt, record_digest AS recordDigest, delivered_at AS deliveredAt`;

/** The SQL of the signatures table, and nothing else: the rules are in routes.ts. */
export class SignatureStore {
  constructor(readonly db: ServerDb) {}

  /** @throws SQLITE_CONSTRAINT_UNIQUE when the run's node is signed already (isUniqueViolation). */
  insert(s: Signature): void {
    this.db
      .prepare(
        `INSERT INTO signatures (id, run_id, node_id, flow_id, flow_version, plant, user_id, username, printed_name,
           role, meaning, decision, reason, signed_at, record_digest, delivered_at)
         VALUES (@id, @runId, @nodeId, @flowId, @flowVersion, @plant, @userId, @username, @printedName,
           @role, @meaning, @decision, @reason, @signedAt, @recordDigest, @deliveredAt)`,
      )
      .run(s);
  }

  get(runId: number, nodeId: string): Signature | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM signatures WHERE run_id = ? AND node_id = ?`).get(runId, nodeId) as
      Signature | undefined;
  }

  /** A run's signatures in the order they were made. */
  ofRun(runId: number): Signature[] {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM signatures WHERE run_id = ? ORDER BY signed_at, id`)
      .all(runId) as Signature[];
  }

  /** Records that the decision reached the run; a second call keeps the first time. */
  markDelivered(id: string, at: number): void {
    this.db.prepare('UPDATE signatures SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL').run(at, id);
  }
}

export const isUniqueViolation = (e: unknown): boolean =>
  (e as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';

/** A signature as the API shows it: ids as strings, times as ISO 8601. */
export function signatureJson(s: Signature) {
  return {
    id: s.id,
    runId: String(s.runId),
    nodeId: s.nodeId,
    flow: s.flowId,
    version: s.flowVersion,
    plant: s.plant,
    userId: s.userId,
    username: s.username,
    printedName: s.printedName,
    role: s.role,
    meaning: s.meaning,
    decision: s.decision,
    reason: s.reason,
    signedAt: new Date(s.signedAt).toISOString(),
    recordDigest: s.recordDigest,
    deliveredAt: s.deliveredAt === null ? null : new Date(s.deliveredAt).toISOString(),
  };
}
