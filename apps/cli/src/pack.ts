import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, parseJsonText, serializePackManifest } from '@millrace/flow-model';
import { parseArgs, UsageError } from './args.ts';
import { isDirectory } from './files.ts';
import type { Io } from './io.ts';

export const PACK_USAGE = 'millrace pack seal <pack-dir>';

/**
 * `millrace pack seal`: writes the SHA-256 of every flow, profile and test file the manifest lists into
 * pack.json, so the pack can be imported. Written to a temporary file and renamed, so a failure
 * never leaves a half-written manifest.
 */
export function packCommand(argv: readonly string[], io: Io): number {
  const [sub, ...rest] = argv;
  if (sub !== 'seal')
    throw new UsageError(
      sub === undefined ? `expected a subcommand: ${PACK_USAGE}` : `unknown pack subcommand "${sub}": ${PACK_USAGE}`,
    );
  const args = parseArgs(rest, { values: [], flags: [] });
  const dir = args.positionals[0];
  if (args.positionals.length !== 1 || dir === undefined)
    throw new UsageError(`expected one pack folder: ${PACK_USAGE}`);
  if (!existsSync(dir) || !isDirectory(dir)) throw new UsageError(`${dir}: no such folder`);
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new UsageError(`${manifestPath}: no such file; a pack needs a pack.json`);
  const parsed = parseJsonText(readFileSync(manifestPath, 'utf8'));
  if (!parsed.ok) throw new UsageError(`${manifestPath}: ${parsed.problems[0]!.message}`);
  const manifest = parsed.value as { flows?: unknown; profiles?: unknown; tests?: unknown; sha256?: unknown };
  const listed = [manifest.flows, manifest.profiles, manifest.tests].flatMap((v) => (Array.isArray(v) ? v : []));
  const sha256: Record<string, string> = {};
  for (const path of listed) {
    if (typeof path !== 'string' || path.includes('..') || path.startsWith('/'))
      throw new UsageError(`${manifestPath}: "${String(path)}" is not a path inside the pack`);
    const file = join(dir, path);
    if (!existsSync(file)) throw new UsageError(`${manifestPath} lists ${path}, which is not in the pack`);
    sha256[path] = createHash('sha256').update(readFileSync(file)).digest('hex');
  }
  const tmp = `${manifestPath}.${process.pid}.tmp`;
  writeFileSync(tmp, serializePackManifest({ ...manifest, sha256 }));
  renameSync(tmp, manifestPath);
  io.out(`sealed ${manifestPath}: ${listed.length} digest(s)`);
  return 0;
}
