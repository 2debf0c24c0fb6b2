import { useEffect, useState } from 'react';
import { adminApi, isAdmin, message, type Deployment, type Plant, type SecretInfo } from './api-admin.ts';
import { DeployForm, ProfileForm, SecretForm } from './PlantForms.tsx';
import { connectionsOf, secretNamesOf } from './profile.ts';
import './admin.css';

function Connections({ plant, secrets }: { plant: Plant; secrets: ReadonlySet<string> | undefined }) {
  const connections = connectionsOf(plant.profile);
  if (connections.length === 0) return <p>No connections in this profile.</p>;
  return (
    <table>
      <caption>Connections of {plant.code}: secrets by name only, never values</caption>
      <thead>
        <tr>
          <th scope="col">Connection</th>
          <th scope="col">Type</th>
          <th scope="col">URLs</th>
          <th scope="col">Auth</th>
          <th scope="col">Secrets</th>
        </tr>
      </thead>
      <tbody>
        {connections.map((c) => (
          <tr key={c.slot}>
            <th scope="row">{c.slot}</th>
            <td>{c.type}</td>
            <td>
              {c.urls.map((u) => (
                <div key={u.field}>
                  {u.field}: <code>{u.url}</code>
                </div>
              ))}
            </td>
            <td>{c.authKind}</td>
            <td>
              {c.secrets.map((s) => (
                <div key={s.at}>
                  <code>{s.name}</code> <span className="muted">({s.at})</span>{' '}
                  {secrets &&
                    (secrets.has(s.name) ? (
                      <span className="set">set in the vault</span>
                    ) : (
                      <span className="unset" title="The server may take it from its environment instead">
                        not in the vault
                      </span>
                    ))}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Deployments({ code, version }: { code: string; version: number }) {
  const [list, setList] = useState<{ running: boolean; deployments: Deployment[] }>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    setError(undefined);
    adminApi.deployments(code).then(
      (d) => current && setList(d),
      (e: unknown) => current && setError(message(e)),
    );
    return () => {
      current = false;
    };
  }, [code, version]);
  if (error) return <p role="alert">{error}</p>;
  if (!list) return <p>Loading the deployments of {code}…</p>;
  return (
    <>
      <p className="muted">
        {list.running ? `This server runs plant ${code}.` : `This server does not run plant ${code}.`}
      </p>
      {list.deployments.length === 0 ? (
        <p>No flow is deployed to {code}.</p>
      ) : (
        <table>
          <caption>Flows deployed to {code}</caption>
          <thead>
            <tr>
              <th scope="col">Flow</th>
              <th scope="col">Version</th>
              <th scope="col">Deployed</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {list.deployments.map((d) => (
              <tr key={d.flowId}>
                <th scope="row">{d.flowId}</th>
                <td>{d.version}</td>
                <td>{new Date(d.deployedAt).toLocaleString()}</td>
                <td>{d.deployedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/**
 * The installed plants: a plant's profile (connections with their URLs, auth kind and the
 * secrets they name, never values) and its deployments; for admins, deploy a flow version, edit
 * the profile and set a secret's value (write-only).
 */
export function PlantsPage({ role }: { role: string }) {
  const [plants, setPlants] = useState<Plant[]>();
  const [secrets, setSecrets] = useState<SecretInfo[]>();
  const [shown, setShown] = useState<string>();
  const [error, setError] = useState<string>();
  // Bumped after a change, so the deployments and the secrets are read again.
  const [version, setVersion] = useState(0);
  const admin = isAdmin(role);

  useEffect(() => {
    setError(undefined);
    adminApi.plants().then(
      (list) => {
        setPlants(list);
        setShown((s) => (s && list.some((p) => p.code === s) ? s : list[0]?.code));
      },
      (e: unknown) => setError(message(e)),
    );
    adminApi.secrets().then(setSecrets, (e: unknown) => setError(message(e)));
  }, [version]);

  const plant = plants?.find((p) => p.code === shown);
  const setNames = secrets && new Set(secrets.map((s) => s.name));
  const refresh = () => setVersion((v) => v + 1);

  return (
    <section aria-labelledby="page-title" className="admin-page">
      <div className="toolbar">
        <h2 id="page-title">Plants</h2>
        <button type="button" onClick={refresh}>
          Refresh
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
      {!plants ? (
        !error && <p>Loading plants…</p>
      ) : plants.length === 0 ? (
        <p>No plant is installed: import a pack with a plant profile.</p>
      ) : (
        <div className="plant-list" role="group" aria-label="Plants">
          {plants.map((p) => (
            <button key={p.code} type="button" aria-pressed={p.code === shown} onClick={() => setShown(p.code)}>
              {p.code} — {p.name}
            </button>
          ))}
        </div>
      )}
      {plant && (
        <article aria-label={`Plant ${plant.code}`}>
          <h3>
            {plant.code} — {plant.name}
          </h3>
          <p className="muted">
            Profile updated {new Date(plant.updatedAt).toLocaleString()} by {plant.updatedBy}.
          </p>
          <div className="panel">
            <Connections plant={plant} secrets={setNames} />
          </div>
          <div className="panel">
            <h4>Deployments</h4>
            <Deployments code={plant.code} version={version} />
          </div>
          {admin && (
            <div className="plant-admin">
              <div className="panel">
                <DeployForm key={`deploy-${plant.code}`} plant={plant.code} onDone={refresh} />
              </div>
              <div className="panel">
                <SecretForm key={`secret-${plant.code}`} names={secretNamesOf(plant.profile)} onDone={refresh} />
              </div>
              <div className="panel wide">
                <ProfileForm key={`profile-${plant.code}`} plant={plant} onDone={refresh} />
              </div>
            </div>
          )}
        </article>
      )}
    </section>
  );
}
