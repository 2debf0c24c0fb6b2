import { createHash } from 'node:crypto';
import type { Flow, PlantProfile } from '@millrace/flow-model';
import type { Migration, ServerDb } from '../db.ts';

/**
 * What is installed: published flow versions (immutable), plants with their profiles, and the
 * packs they came from. Versions are never overwritten: the same id and version must carry the
 * same content, or the import is refused.
 */
export const PACK_MIGRATIONS: Migration[] = [
  {
    version: 400,
    name: 'flows, plants and packs',
    sql: `CREATE TABLE flow_versions (
        flow_id TEXT NOT NULL,
        version TEXT NOT NULL,
        digest TEXT NOT NULL,
        flow TEXT NOT NULL,
        change_note TEXT,
        pack TEXT,
        published_at INTEGER NOT NULL,
        published_by TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'published',
        PRIMARY KEY (flow_id, version)
      );
      CREATE TABLE plants (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        profile TEXT NOT NULL,
        digest TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
      CREATE TABLE packs (
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        manifest TEXT NOT NULL,
        files TEXT NOT NULL,
        digest TEXT NOT NULL,
        imported_at INTEGER NOT NULL,
        imported_by TEXT NOT NULL,
        PRIMARY KEY (name, version)
      );`,
  },
];

export const digestOf = (text: string) => createHash('sha256').update(text).digest('hex');

export interface FlowVersionRow {
  readonly flowId: string;
  readonly version: string;
  readonly digest: string;
  readonly flow: Flow;
  readonly pack: string | null;
  readonly publishedAt: number;
  readonly publishedBy: string;
  readonly status: string;
}

export interface PlantRow {
  readonly code: string;
  readonly name: string;
  readonly profile: PlantProfile;
  readonly digest: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

type Raw = Record<string, unknown>;

export class InstalledStore {
  constructor(readonly db: ServerDb) {}

  flowVersion(flowId: string, version: string): FlowVersionRow | undefined {
    const r = this.db.prepare('SELECT * FROM flow_versions WHERE flow_id = ? AND version = ?').get(flowId, version) as
      Raw | undefined;
    return r && flowRow(r);
  }

  /** Every version of every flow, newest publish first. */
  flowVersions(flowId?: string): FlowVersionRow[] {
    const rows = (
      flowId === undefined
        ? this.db.prepare('SELECT * FROM flow_versions ORDER BY flow_id, published_at DESC').all()
        : this.db.prepare('SELECT * FROM flow_versions WHERE flow_id = ? ORDER BY published_at DESC').all(flowId)
    ) as Raw[];
    return rows.map(flowRow);
  }

  latest(flowId: string): FlowVersionRow | undefined {
    return this.flowVersions(flowId)[0];
  }

  plant(code: string): PlantRow | undefined {
    const r = this.db.prepare('SELECT * FROM plants WHERE code = ?').get(code) as Raw | undefined;
    return r && plantRow(r);
  }

  plants(): PlantRow[] {
    return (this.db.prepare('SELECT * FROM plants ORDER BY code').all() as Raw[]).map(plantRow);
  }

  packs(): Array<{ name: string; version: string; digest: string; importedAt: number; importedBy: string }> {
    return (
      this.db
        .prepare('SELECT name, version, digest, imported_at, imported_by FROM packs ORDER BY imported_at DESC')
        .all() as Raw[]
    ).map((r) => ({
      name: String(r.name),
      version: String(r.version),
      digest: String(r.digest),
      importedAt: Number(r.imported_at),
      importedBy: String(r.imported_by),
    }));
  }

  /** The pack's files as imported (flows, profiles with secret references, tests, README). */
  pack(name: string, version: string): { files: Record<string, string> } | undefined {
    const r = this.db.prepare('SELECT files FROM packs WHERE name = ? AND version = ?').get(name, version) as
      Raw | undefined;
    return r && { files: JSON.parse(String(r.files)) as Record<string, string> };
  }

  /** Sets one plant's profile (with what else must commit with it, such as its audit record). */
  setPlant(profile: PlantProfile, text: string, by: string, at: number, also: () => void): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO plants (code, name, profile, digest, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (code) DO UPDATE SET name = excluded.name, profile = excluded.profile, digest = excluded.digest,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        )
        .run(profile.plant, profile.name, text, digestOf(text), at, by);
      also();
    })();
  }

  /** Writes a whole import in one transaction: all of it, or (on any throw) none of it. */
  install(
    x: {
      pack: { name: string; version: string; manifestText: string; files: Readonly<Record<string, string>> };
      flows: ReadonlyArray<{ flow: Flow; text: string }>;
      profiles: ReadonlyArray<{ profile: PlantProfile; text: string }>;
      by: string;
      at: number;
    },
    also: () => void = () => undefined,
  ): void {
    this.db.transaction(() => {
      const insertFlow = this.db.prepare(
        `INSERT INTO flow_versions (flow_id, version, digest, flow, pack, published_at, published_by) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (flow_id, version) DO NOTHING`,
      );
      for (const f of x.flows)
        insertFlow.run(
          f.flow.id,
          f.flow.version,
          digestOf(f.text),
          f.text,
          `${x.pack.name}@${x.pack.version}`,
          x.at,
          x.by,
        );
      const upsertPlant = this.db.prepare(
        `INSERT INTO plants (code, name, profile, digest, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, profile = excluded.profile, digest = excluded.digest,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by WHERE plants.digest <> excluded.digest`,
      );
      for (const p of x.profiles)
        upsertPlant.run(p.profile.plant, p.profile.name, p.text, digestOf(p.text), x.at, x.by);
      this.db
        .prepare(
          `INSERT INTO packs (name, version, manifest, files, digest, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (name, version) DO UPDATE SET files = excluded.files, imported_at = excluded.imported_at, imported_by = excluded.imported_by`,
        )
        .run(
          x.pack.name,
          x.pack.version,
          x.pack.manifestText,
          JSON.stringify(x.pack.files),
          digestOf(x.pack.manifestText),
          x.at,
          x.by,
        );
      also();
    })();
  }
}

function flowRow(r: Raw): FlowVersionRow {
  return {
    flowId: String(r.flow_id),
    version: String(r.version),
    digest: String(r.digest),
    flow: JSON.parse(String(r.flow)) as Flow,
    pack: r.pack === null ? null : String(r.pack),
    publishedAt: Number(r.published_at),
    publishedBy: String(r.published_by),
    status: String(r.status),
  };
}

function plantRow(r: Raw): PlantRow {
  return {
    code: String(r.code),
    name: String(r.name),
    profile: JSON.parse(String(r.profile)) as PlantProfile,
    digest: String(r.digest),
    updatedAt: Number(r.updated_at),
    updatedBy: String(r.updated_by),
  };
}
