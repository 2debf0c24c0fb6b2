// `npm run bench`: runs every benchmark under bench/ (each prints ratios against a baseline
// measured in the same run). The engine benchmarks arrive with the engine.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../bench/', import.meta.url));
const benches = readdirSync(dir)
  .filter((f) => /\.bench\.(mjs|ts)$/.test(f))
  .sort();
if (benches.length === 0) {
  console.log('bench: no benchmarks yet (the engine and its Node-RED comparison come with the engine issue)');
}
let failed = 0;
for (const file of benches) {
  console.log(`== ${file}`);
  const r = spawnSync(process.execPath, ['--no-node-snapshot', '--import', 'tsx', dir + file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
