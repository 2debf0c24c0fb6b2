// A pack folder chosen in the browser as the files map POST /api/packs/import takes, and the
// dry run's answer as readable lines. Pure, so it is tested without a browser.

/** A file as the browser lists it: its path in the chosen folder (webkitRelativePath, or its name). */
export interface ListedFile {
  readonly path: string;
  readonly text: string;
}

/**
 * The files map of a pack: paths relative to the pack's root, `/`-separated. A folder chosen with
 * `webkitdirectory` lists `production-order-change/pack.json`: the top folder is stripped when
 * every file is under it. Hidden files and node_modules are left out, as the server's own
 * reader of pack folders does.
 */
export function packFilesOf(listed: readonly ListedFile[]): Record<string, string> {
  const norm = listed.map((f) => ({
    ...f,
    parts: f.path
      .replace(/\\/g, '/')
      .split('/')
      .filter((p) => p !== ''),
  }));
  const top = norm[0]?.parts[0];
  const strip =
    top !== undefined &&
    !norm.some((f) => f.parts.length === 1 && f.parts[0] === 'pack.json') &&
    norm.every((f) => f.parts.length > 1 && f.parts[0] === top);
  const files: Record<string, string> = {};
  for (const f of norm) {
    const parts = strip ? f.parts.slice(1) : f.parts;
    if (parts.length === 0 || parts.some((p) => p.startsWith('.') || p === 'node_modules')) continue;
    files[parts.join('/')] = f.text;
  }
  return files;
}

/** What is missing for a files map to be a pack at all (said before asking the server). */
export function packFilesProblem(files: Readonly<Record<string, string>>): string | undefined {
  if (Object.keys(files).length === 0) return 'No files chosen.';
  if (!('pack.json' in files)) return 'No pack.json at the top of the chosen files: choose the pack folder itself.';
  return undefined;
}

export type FlowChange =
  | { readonly flow: string; readonly version: string; readonly change: 'new' }
  | { readonly flow: string; readonly version: string; readonly change: 'unchanged' }
  | {
      readonly flow: string;
      readonly version: string;
      readonly change: 'new-version';
      readonly from: string;
      readonly diff: {
        readonly nodesAdded: readonly string[];
        readonly nodesRemoved: readonly string[];
        readonly nodesChanged: readonly string[];
        readonly edgesAdded: number;
        readonly edgesRemoved: number;
        readonly settings: readonly string[];
      };
    };

export interface PlantChange {
  readonly plant: string;
  readonly change: 'new' | 'changed' | 'unchanged';
  readonly fields?: readonly string[];
}

/** The answer of POST /api/packs/import (a dry run's, or an import's). */
export interface ImportAnswer {
  readonly dryRun: boolean;
  readonly pack: { readonly name: string; readonly version: string };
  readonly flows: readonly FlowChange[];
  readonly plants: readonly PlantChange[];
}

export interface DiffLine {
  /** added, changed or unchanged: how the line is marked. */
  readonly kind: 'added' | 'changed' | 'unchanged';
  readonly text: string;
}

const list = (what: string, items: readonly string[]) => (items.length ? `${what} ${items.join(', ')}` : '');

/** The readable diff of an import: one line per flow and per plant profile. */
export function diffLines(answer: ImportAnswer): { flows: DiffLine[]; plants: DiffLine[] } {
  const flows = answer.flows.map((f): DiffLine => {
    if (f.change === 'new') return { kind: 'added', text: `+ flow ${f.flow} ${f.version} (new)` };
    if (f.change === 'unchanged')
      return { kind: 'unchanged', text: `= flow ${f.flow} ${f.version} (unchanged, already installed)` };
    const d = f.diff;
    const parts = [
      list('nodes added:', d.nodesAdded),
      list('nodes removed:', d.nodesRemoved),
      list('nodes changed:', d.nodesChanged),
      d.edgesAdded ? `${d.edgesAdded} edge(s) added` : '',
      d.edgesRemoved ? `${d.edgesRemoved} edge(s) removed` : '',
      list('settings:', d.settings),
    ].filter((p) => p !== '');
    return {
      kind: 'changed',
      text: `~ flow ${f.flow} ${f.from} → ${f.version}${parts.length ? `: ${parts.join('; ')}` : ''}`,
    };
  });
  const plants = answer.plants.map((p): DiffLine => {
    if (p.change === 'new') return { kind: 'added', text: `+ plant profile ${p.plant} (new)` };
    if (p.change === 'unchanged') return { kind: 'unchanged', text: `= plant profile ${p.plant} (unchanged)` };
    return {
      kind: 'changed',
      text: `~ plant profile ${p.plant} changed${p.fields?.length ? `: ${p.fields.join(', ')}` : ''}`,
    };
  });
  return { flows, plants };
}

/** One line summing an import up: "2 flows new, 1 changed, 0 unchanged; 1 plant profile new". */
export function diffSummary(answer: ImportAnswer): string {
  const count = <T extends { change: string }>(xs: readonly T[], c: string) => xs.filter((x) => x.change === c).length;
  const f = answer.flows;
  const p = answer.plants;
  return (
    `${f.length} flow(s): ${count(f, 'new')} new, ${count(f, 'new-version')} new version(s), ${count(f, 'unchanged')} unchanged; ` +
    `${p.length} plant profile(s): ${count(p, 'new')} new, ${count(p, 'changed')} changed, ${count(p, 'unchanged')} unchanged`
  );
}

/** Whether an import would change anything at all. */
export const changesAnything = (answer: ImportAnswer) =>
  answer.flows.some((f) => f.change !== 'unchanged') || answer.plants.some((p) => p.change !== 'unchanged');

/** The secret names a SECRETS_MISSING refusal lists ("set these secrets first (…): A, B"). */
export function missingSecretsOf(detail: string): string[] {
  const tail = detail.slice(detail.lastIndexOf(': ') + 2);
  return tail
    .split(',')
    .map((n) => n.trim())
    .filter((n) => /^[A-Z][A-Z0-9_]*$/.test(n));
}
