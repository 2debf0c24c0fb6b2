// `npm start`. The server, designer, runtime and simulators arrive with later work; until then
// this says so plainly instead of failing, and checks the demo pack so a newcomer sees it load.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../apps/cli/bin/millrace.mjs', import.meta.url));
const pack = fileURLToPath(new URL('../examples/batch-intake', import.meta.url));
const check = spawnSync(process.execPath, [bin, 'validate', pack], { encoding: 'utf8' });
const verdict =
  check.status === 0 ? check.stdout.trim() : `demo pack check failed: ${(check.stdout + check.stderr).trim()}`;
console.log(`Millrace: foundation only — no server, designer or runtime yet (npx millrace validate works); ${verdict}`);
process.exitCode = check.status === 0 ? 0 : 1;
