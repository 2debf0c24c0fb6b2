// Writes every generated file (JSON Schemas, node catalog, node reference). Run after changing
// a schema or a node definition: `npm run generate`.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allGeneratedFiles } from './generated-files.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let written = 0;
for (const file of await allGeneratedFiles()) {
  const target = join(root, file.path);
  if (existsSync(target) && readFileSync(target, 'utf8') === file.content) continue;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.content);
  written++;
  console.log(`wrote ${file.path}`);
}
console.log(written === 0 ? 'generated files are up to date' : `${written} file(s) written`);
