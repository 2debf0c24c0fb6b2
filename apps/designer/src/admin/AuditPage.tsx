import { Fragment, useId, useState, type FormEvent } from 'react';
import { adminApi, isAdmin, ProblemError, type AuditRecord } from './api-admin.ts';
import { AUDIT_FILTERS, isoToLocal, localToIso, type AuditFilters } from './query.ts';
import { useSearchPages } from './search-pages.ts';
import { Refusal } from './Problems.tsx';
import './admin.css';

const PAGE = 50;

type Verified = { ok: true; rows: number; head: { seq: number; hash: string } | null } | { ok: false; error: unknown };

function Verify() {
  const [result, setResult] = useState<Verified>();
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setResult(undefined);
    try {
      setResult(await adminApi.verifyAudit());
    } catch (error) {
      setResult({ ok: false, error });
    } finally {
      setBusy(false);
    }
  };
  const broken =
    result && !result.ok && result.error instanceof ProblemError && typeof result.error.extra.brokenAt === 'number'
      ? result.error.extra.brokenAt
      : undefined;
  return (
    <div className="toolbar">
      <button type="button" disabled={busy} onClick={() => void verify()}>
        Verify the chain
      </button>
      {result?.ok === true && (
        <span role="status" className="set">
          OK: the chain of {result.rows} record{result.rows === 1 ? '' : 's'} is intact
          {result.head ? ` (head #${result.head.seq})` : ''}.
        </span>
      )}
      {result?.ok === false && (
        <>
          <Refusal error={result.error} label="Audit chain broken" />
          {broken !== undefined && (
            <p>
              The first broken record is <strong>#{broken}</strong>: filter its time range to see it and the records
              around it.
            </p>
          )}
        </>
      )}
    </div>
  );
}

function Details({ r }: { r: AuditRecord }) {
  return (
    <pre className="details" tabIndex={0} aria-label={`Record ${r.seq} in full`}>
      {JSON.stringify(
        {
          reason: r.reason,
          beforeDigest: r.beforeDigest,
          afterDigest: r.afterDigest,
          details: r.details,
          prevHash: r.prevHash,
          hash: r.hash,
        },
        null,
        2,
      )}
    </pre>
  );
}

function AuditLog() {
  const list = useSearchPages(AUDIT_FILTERS, (f: AuditFilters, before) =>
    adminApi.audit(f, before, PAGE).then((page) => ({ items: page.records, next: page.next })),
  );
  const { draft, set, apply, items: records, next, error, busy } = list;
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const ids = {
    action: useId(),
    actor: useId(),
    kind: useId(),
    id: useId(),
    since: useId(),
    until: useId(),
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
  };
  const toggle = (n: number) =>
    setOpen((o) => {
      const s = new Set(o);
      if (s.has(n)) s.delete(n);
      else s.add(n);
      return s;
    });
  const badTimes = !!(draft.since && draft.until && Date.parse(draft.since) > Date.parse(draft.until));

  return (
    <>
      <form role="search" aria-label="Filter the audit log" className="filters" onSubmit={submit}>
        <div className="field">
          <label htmlFor={ids.action}>Action</label>
          <input
            id={ids.action}
            placeholder="e.g. pack.import or pack.*"
            value={draft.action ?? ''}
            onChange={(e) => set('action', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.actor}>Actor</label>
          <input
            id={ids.actor}
            placeholder="a username, or system"
            value={draft.actor ?? ''}
            onChange={(e) => set('actor', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.kind}>Target kind</label>
          <input
            id={ids.kind}
            placeholder="pack, plant, flow, secret…"
            value={draft.targetKind ?? ''}
            onChange={(e) => set('targetKind', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.id}>Target id</label>
          <input id={ids.id} value={draft.targetId ?? ''} onChange={(e) => set('targetId', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.since}>From</label>
          <input
            id={ids.since}
            type="datetime-local"
            value={isoToLocal(draft.since)}
            onChange={(e) => set('since', localToIso(e.target.value))}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.until}>To</label>
          <input
            id={ids.until}
            type="datetime-local"
            value={isoToLocal(draft.until)}
            onChange={(e) => set('until', localToIso(e.target.value))}
          />
        </div>
        <div className="actions">
          <button type="submit" disabled={badTimes}>
            Filter
          </button>
          <button type="button" onClick={list.clear}>
            Clear filters
          </button>
        </div>
        {badTimes && (
          <p role="alert" className="wide">
            &quot;From&quot; is after &quot;to&quot;.
          </p>
        )}
      </form>
      {error && <p role="alert">{error}</p>}
      {!records ? (
        <p>Loading the audit log…</p>
      ) : records.length === 0 ? (
        <p>No audit record matches.</p>
      ) : (
        <table>
          <caption>
            {records.length} record{records.length === 1 ? '' : 's'}, the newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Reason</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <Fragment key={r.seq}>
                <tr id={`seq-${r.seq}`}>
                  <td>{r.seq}</td>
                  <td>{new Date(r.at).toLocaleString()}</td>
                  <td>
                    {r.actor} <span className="muted">({r.actorRole})</span>
                  </td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td>
                    {r.target.kind} {r.target.id}
                  </td>
                  <td>{r.reason ?? ''}</td>
                  <td>
                    <button
                      type="button"
                      aria-expanded={open.has(r.seq)}
                      aria-label={`Details of record ${r.seq}`}
                      onClick={() => toggle(r.seq)}
                    >
                      {open.has(r.seq) ? 'Hide' : 'Show'}
                    </button>
                  </td>
                </tr>
                {open.has(r.seq) && (
                  <tr>
                    <td colSpan={7}>
                      <Details r={r} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" disabled={busy} onClick={list.loadMore}>
          Load older records
        </button>
      )}
    </>
  );
}

/**
 * The audit log (admins only): records filtered by action, actor, target and time — the filters
 * are the page's query string — each record's digests and details on demand, and a check of the
 * hash chain. A non-admin who opens /audit is told so, and the API is not called.
 */
export function AuditPage({ role }: { role: string }) {
  return (
    <section aria-labelledby="page-title" className="audit">
      <div className="toolbar">
        <h2 id="page-title">Audit log</h2>
      </div>
      {isAdmin(role) ? (
        <>
          <Verify />
          <AuditLog />
        </>
      ) : (
        <p>Only admins see the audit log.</p>
      )}
    </section>
  );
}
