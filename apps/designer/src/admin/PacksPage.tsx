import { useEffect, useState } from 'react';
import { adminApi, isAdmin, message, type PackInfo } from './api-admin.ts';
import { PackImport } from './PackImport.tsx';
import './admin.css';

/**
 * The packs imported here, each with an export (its files as imported, secret references and
 * never values); for admins, an import with a dry run first.
 */
export function PacksPage({ role }: { role: string }) {
  const [packs, setPacks] = useState<PackInfo[]>();
  const [error, setError] = useState<string>();
  const load = () => {
    setError(undefined);
    adminApi.packs().then(setPacks, (e: unknown) => setError(message(e)));
  };
  useEffect(load, []);

  return (
    <section aria-labelledby="page-title" className="admin-page">
      <div className="toolbar">
        <h2 id="page-title">Packs</h2>
        <button type="button" onClick={load}>
          Refresh
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
      {!packs ? (
        !error && <p>Loading packs…</p>
      ) : packs.length === 0 ? (
        <p>No pack is imported yet.</p>
      ) : (
        <table>
          <caption>The packs imported here</caption>
          <thead>
            <tr>
              <th scope="col">Pack</th>
              <th scope="col">Version</th>
              <th scope="col">Digest</th>
              <th scope="col">Imported</th>
              <th scope="col">By</th>
              <th scope="col">Export</th>
            </tr>
          </thead>
          <tbody>
            {packs.map((p) => (
              <tr key={`${p.name}@${p.version}`}>
                <th scope="row">{p.name}</th>
                <td>{p.version}</td>
                <td>
                  <code title={p.digest}>{p.digest.slice(0, 12)}…</code>
                </td>
                <td>{new Date(p.importedAt).toLocaleString()}</td>
                <td>{p.importedBy}</td>
                <td>
                  {/* The export answers {files: {path: text}} as JSON: saved as a file to keep. */}
                  <a
                    href={`/api/packs/${encodeURIComponent(p.name)}/${encodeURIComponent(p.version)}/export`}
                    download={`${p.name}-${p.version}.pack.json`}
                    aria-label={`Export ${p.name} ${p.version}`}
                  >
                    Export
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isAdmin(role) && <PackImport onImported={load} />}
    </section>
  );
}
