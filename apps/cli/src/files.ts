import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const SKIP = new Set(['node_modules', '.git']);
/** A pack is a handful of JSON files; refuse folders that are clearly something else. */
const MAX_FILES = 2000;
const MAX_BYTES = 64 * 1024 * 1024;

/** Reads every file under a pack folder, keyed by its path relative to the folder ("/" separated). */
export function readPackFolder(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let bytes = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const content = readFileSync(full);
        bytes += content.length;
        if (files.size >= MAX_FILES || bytes > MAX_BYTES) {
          throw new Error(
            `${dir} holds more than ${MAX_FILES} files or ${MAX_BYTES / 1048576} MiB; that is not a flow pack`,
          );
        }
        files.set(relative(dir, full).split(sep).join('/'), content);
      }
    }
  };
  walk(dir);
  return files;
}

export function isDirectory(path: string): boolean {
  return statSync(path).isDirectory();
}
