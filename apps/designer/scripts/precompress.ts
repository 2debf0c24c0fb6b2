// A Vite build plugin: writes a Brotli (.br) and a gzip (.gz) copy beside every built asset worth
// it, so the server sends the editor's ~10 MB of Monaco and workers as ~2.5 MB without
// compressing anything per request (see apps/server/src/designer.ts).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Text assets only: images and fonts other than TrueType are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|ttf|map)$/;
/** Below this, the headers cost more than the compression saves. */
const MIN_BYTES = 1024;

export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'millrace-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const assets = join(outDir, 'assets');
      for (const name of readdirSync(assets)) {
        const file = join(assets, name);
        if (!COMPRESSIBLE.test(name) || statSync(file).size < MIN_BYTES) continue;
        const bytes = readFileSync(file);
        // Quality 9, not 11: within a few per cent of the smallest, in a fraction of the build time.
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }));
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
      }
    },
  };
}
