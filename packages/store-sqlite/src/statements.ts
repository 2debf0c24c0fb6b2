import type { Database, Statement } from 'better-sqlite3';

/** Every statement the store runs, prepared once. */
export function prepareStatements(db: Database) {
  const p = (sql: string): Statement => db.prepare(sql);
  const STEP_COLUMNS =
    'run_id, key, node_id, parent_key, status, attempts, available_at, payload, headers, output, error, created_at, started_at, ended_at, wait_channel, wait_key, resume';
  return {
    heartbeat: p(
      'INSERT INTO workers (id, heartbeat_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at',
    ),
    deadWorkers: p('SELECT id FROM workers WHERE heartbeat_at < ?'),
    // A scan, without an index on leased_by: it runs only when a worker died or stops, and an
    // index would cost two updates on every step of the hot path.
    releaseLeases: p(
      "UPDATE steps SET status = 'ready', leased_by = NULL, available_at = MAX(available_at, ?) WHERE status = 'leased' AND leased_by = ?",
    ),
    deleteWorker: p('DELETE FROM workers WHERE id = ?'),

    runByIdem: p('SELECT id FROM runs WHERE flow_id = ? AND idem_key = ?'),
    countDuplicate: p('UPDATE runs SET duplicates = duplicates + 1 WHERE id = ?'),
    activeForOrderKey: p(
      "SELECT 1 FROM runs WHERE flow_id = ? AND order_key = ? AND status IN ('running', 'held') LIMIT 1",
    ),
    insertRun: p(
      `INSERT INTO runs (id, flow_id, flow_version, plant, status, trigger_node, payload, headers, idem_key, order_key, business_keys, pending, created_at, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertRunKey: p('INSERT INTO run_keys (run_id, name, value) VALUES (?, ?, ?)'),
    // Creating a step whose key exists resets it: that is how a replayed branch runs again.
    upsertStep: p(
      `INSERT INTO steps (run_id, key, node_id, parent_key, status, available_at, leased_by, payload, headers, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, key) DO UPDATE SET node_id = excluded.node_id, parent_key = excluded.parent_key, status = excluded.status,
         available_at = excluded.available_at, leased_by = excluded.leased_by, payload = excluded.payload, headers = excluded.headers,
         output = NULL, error = NULL, started_at = NULL, ended_at = NULL`,
    ),
    insertDoneStep: p(
      `INSERT INTO steps (run_id, key, node_id, parent_key, status, attempts, available_at, payload, headers, output, error, created_at, started_at, ended_at)
       VALUES (?, ?, ?, ?, 'done', ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, key) DO UPDATE SET node_id = excluded.node_id, parent_key = excluded.parent_key, status = 'done',
         attempts = excluded.attempts, leased_by = NULL, payload = excluded.payload, headers = excluded.headers, output = excluded.output,
         error = excluded.error, started_at = excluded.started_at, ended_at = excluded.ended_at`,
    ),
    claim: p(
      `UPDATE steps SET status = 'leased', leased_by = ?
       WHERE rowid IN (SELECT rowid FROM steps WHERE status = 'ready' AND available_at <= ? ORDER BY available_at LIMIT ?)
       RETURNING ${STEP_COLUMNS}`,
    ),
    anyReady: p("SELECT 1 FROM steps WHERE status = 'ready' AND available_at <= ? LIMIT 1"),
    waitStep: p(
      `UPDATE steps SET status = 'waiting', attempts = ?, started_at = ?, ended_at = ?, leased_by = NULL, wait_channel = ?, wait_key = ?, available_at = ?, resume = NULL
       WHERE run_id = ? AND key = ?`,
    ),
    keptSignal: p(
      'SELECT id, payload FROM signals WHERE channel = ? AND key = ? AND expires_at > ? ORDER BY id LIMIT 1',
    ),
    dropSignal: p('DELETE FROM signals WHERE id = ?'),
    keepSignal: p('INSERT INTO signals (channel, key, payload, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
    waitersOf: p("SELECT run_id, key FROM steps WHERE status = 'waiting' AND wait_channel = ? AND wait_key = ?"),
    wake: p(
      `UPDATE steps SET status = ?, leased_by = ?, available_at = ?, resume = ? WHERE run_id = ? AND key = ? RETURNING ${STEP_COLUMNS}`,
    ),
    expireWaits: p(
      `UPDATE steps SET status = 'leased', leased_by = ?, resume = '{"kind":"timeout"}'
       WHERE rowid IN (SELECT rowid FROM steps WHERE status = 'waiting' AND available_at <= ? ORDER BY available_at LIMIT ?)
       RETURNING ${STEP_COLUMNS}`,
    ),
    anyWaitDue: p("SELECT 1 FROM steps WHERE status = 'waiting' AND available_at <= ? LIMIT 1"),
    listWaiting: p(
      `SELECT s.run_id, s.key, s.node_id, s.parent_key, s.payload, s.wait_channel, s.wait_key, s.ended_at, s.available_at, r.flow_id
       FROM steps s JOIN runs r ON r.id = s.run_id
       WHERE s.status = 'waiting' AND (@channel IS NULL OR s.wait_channel = @channel) ORDER BY s.ended_at LIMIT @limit`,
    ),
    pruneSignals: p('DELETE FROM signals WHERE expires_at <= ?'),
    runPayload: p('SELECT payload FROM runs WHERE id = ?'),
    stepPayload: p('SELECT run_id, parent_key, payload FROM steps WHERE run_id = ? AND key = ?'),
    runFlow: p('SELECT flow_id, flow_version FROM runs WHERE id = ?'),
    finishStep: p(
      'UPDATE steps SET status = ?, attempts = ?, output = ?, error = ?, started_at = ?, ended_at = ?, leased_by = NULL WHERE run_id = ? AND key = ?',
    ),
    adjustRun: p(
      'UPDATE runs SET pending = pending + ?, parked = parked + ? WHERE id = ? RETURNING pending, parked, flow_id, order_key, status',
    ),
    // SET expressions see the row as it was: pending + @dp is the new count.
    settleRun: p(
      `UPDATE runs SET pending = pending + @dp, parked = parked + @dk,
         status = CASE
           WHEN pending + @dp = 0 THEN CASE WHEN parked + @dk > 0 THEN 'dead_lettered' WHEN status = 'discarded' THEN 'discarded' ELSE 'succeeded' END
           WHEN parked + @dk > 0 THEN 'dead_lettered'
           ELSE status END,
         ended_at = CASE WHEN pending + @dp = 0 THEN @now ELSE ended_at END
       WHERE id = @id RETURNING pending, flow_id, order_key, status`,
    ),
    setParked: p('UPDATE runs SET parked = ? WHERE id = ?'),
    setRunStatus: p('UPDATE runs SET status = ? WHERE id = ?'),
    endRun: p('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?'),
    reopenRun: p("UPDATE runs SET status = 'running', ended_at = NULL WHERE id = ?"),
    setRunVersion: p('UPDATE runs SET flow_version = ? WHERE id = ?'),
    nextHeld: p("SELECT id FROM runs WHERE flow_id = ? AND order_key = ? AND status = 'held' ORDER BY id LIMIT 1"),
    releaseHeld: p(
      `UPDATE steps SET status = ?, leased_by = ?, available_at = ? WHERE run_id = ? AND status = 'held' RETURNING ${STEP_COLUMNS}`,
    ),
    // A retry waits in the ready index, so its timer survives a restart: any worker claims it when due.
    retryStep: p(
      "UPDATE steps SET status = 'ready', leased_by = NULL, attempts = ?, available_at = ? WHERE run_id = ? AND key = ?",
    ),
    insertAttempt: p(
      'INSERT OR REPLACE INTO attempts (run_id, key, attempt, started_at, ended_at, error) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    stepByKey: p(`SELECT ${STEP_COLUMNS} FROM steps WHERE run_id = ? AND key = ?`),
    deleteStep: p('DELETE FROM steps WHERE run_id = ? AND key = ?'),
    resumeStep: p(
      `UPDATE steps SET status = ?, leased_by = ?, available_at = ?, output = NULL, error = NULL, ended_at = NULL
       WHERE run_id = ? AND key = ? RETURNING ${STEP_COLUMNS}`,
    ),
    insertDeadLetter: p(
      `INSERT INTO dead_letters (id, run_id, flow_id, flow_version, node_id, step_key, resume_key, resume_node, status, reason, code, payload, headers, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)`,
    ),
    deadLetter: p('SELECT * FROM dead_letters WHERE id = ?'),
    resolveDeadLetter: p('UPDATE dead_letters SET status = ?, resolved_at = ?, resolution = ? WHERE id = ?'),
    listDeadLetters: p(
      'SELECT * FROM dead_letters WHERE (@status IS NULL OR status = @status) AND (@flow IS NULL OR flow_id = @flow) ORDER BY id DESC LIMIT @limit',
    ),
    runById: p('SELECT * FROM runs WHERE id = ?'),
    stepsOfRun: p(`SELECT ${STEP_COLUMNS} FROM steps WHERE run_id = ? ORDER BY created_at, rowid`),
    attemptsOfRun: p(
      'SELECT key, attempt, started_at, ended_at, error FROM attempts WHERE run_id = ? ORDER BY attempt',
    ),
    attemptsOfStep: p(
      'SELECT attempt, started_at, ended_at, error FROM attempts WHERE run_id = ? AND key = ? ORDER BY attempt',
    ),
    backlog: p("SELECT count(*) AS n FROM steps WHERE status = 'ready' AND available_at <= ?"),
    stateGet: p('SELECT value FROM node_state WHERE scope = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)'),
    statePut: p('INSERT OR REPLACE INTO node_state (scope, key, value, expires_at) VALUES (?, ?, ?, ?)'),
    stateClaim: p(
      `INSERT INTO node_state (scope, key, value, expires_at) VALUES (@scope, @key, @value, @expires)
       ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
       WHERE node_state.expires_at IS NOT NULL AND node_state.expires_at <= @now`,
    ),
    stateDelete: p('DELETE FROM node_state WHERE scope = ? AND key = ?'),
    // Ended runs only; a run with an open dead letter is not ended (its status is dead_lettered,
    // but its dead letter stays until replayed or discarded, so keep those runs too).
    pruneSteps: p(
      `DELETE FROM steps WHERE run_id IN (SELECT id FROM runs WHERE id < @cutoff AND (status IN ('succeeded', 'discarded')
         OR (status = 'dead_lettered' AND parked = 0)))`,
    ),
    pruneAttempts: p(
      "DELETE FROM attempts WHERE run_id < @cutoff AND run_id NOT IN (SELECT id FROM runs WHERE status IN ('running', 'held') OR parked > 0)",
    ),
    pruneRunKeys: p(
      `DELETE FROM run_keys WHERE run_id IN (SELECT id FROM runs WHERE id < @cutoff AND (status IN ('succeeded', 'discarded')
         OR (status = 'dead_lettered' AND parked = 0)))`,
    ),
    pruneRuns: p(
      "DELETE FROM runs WHERE id < @cutoff AND (status IN ('succeeded', 'discarded') OR (status = 'dead_lettered' AND parked = 0))",
    ),
    pruneDeadLetters: p("DELETE FROM dead_letters WHERE run_id < @cutoff AND status != 'open'"),
    pruneState: p('DELETE FROM node_state WHERE expires_at IS NOT NULL AND expires_at <= ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
