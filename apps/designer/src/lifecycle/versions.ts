// Version numbers of a flow: strict X.Y.Z (the server's publish schema), compared and bumped
// here so the publish dialog can suggest the next one without a semver dependency.

export type Bump = 'patch' | 'minor' | 'major';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

const parts = (v: string): [number, number, number] | undefined => {
  const m = SEMVER.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
};

export const isVersion = (v: string) => parts(v) !== undefined;

/** Negative when a is older than b, positive when newer; versions that do not parse sort first. */
export function compareVersions(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  if (!pa || !pb) return (pa ? 1 : 0) - (pb ? 1 : 0);
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

/** The newest of the versions, or undefined when there is none. */
export function newest(versions: readonly string[]): string | undefined {
  return [...versions].sort(compareVersions).at(-1);
}

export function bump(version: string, kind: Bump): string {
  const p = parts(version);
  if (!p) return '1.0.0';
  if (kind === 'major') return `${p[0] + 1}.0.0`;
  if (kind === 'minor') return `${p[0]}.${p[1] + 1}.0`;
  return `${p[0]}.${p[1]}.${p[2] + 1}`;
}

/**
 * The version to suggest: the draft's own version when it is newer than everything published
 * (its author chose it), else a minor bump of the newest published; 1.0.0 for a first version
 * whose draft names none.
 */
export function suggestVersion(published: readonly string[], draftVersion: string | undefined): string {
  const latest = newest(published);
  const own = draftVersion !== undefined && isVersion(draftVersion) ? draftVersion : undefined;
  if (latest === undefined) return own ?? '1.0.0';
  if (own !== undefined && compareVersions(own, latest) > 0) return own;
  return bump(latest, 'minor');
}

/** Why a version cannot be published (the server checks the same), or undefined when it can. */
export function versionProblem(version: string, published: readonly string[]): string | undefined {
  if (!isVersion(version)) return 'a version is three numbers, such as 1.2.0';
  if (published.includes(version)) return `${version} is published already; versions never change`;
  const latest = newest(published);
  if (latest !== undefined && compareVersions(version, latest) <= 0)
    return `${version} is not newer than the latest published version ${latest}`;
  return undefined;
}
