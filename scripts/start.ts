// `npm start`. The server with the designer and the simulators arrive with later work; until
// then this says so plainly instead of failing, checks the demo pack so a newcomer sees it load,
// and names the command that serves it headless.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../apps/cli/bin/millrace.mjs', import.meta.url));
const pack = fileURLToPath(new URL('../examples/batch-intake', import.meta.url));
const check = spawnSync(process.execPath, [bin, 'validate', pack], { encoding: 'utf8' });
const verdict =
  check.status === 0 ? check.stdout.trim() : `demo pack check failed: ${(check.stdout + check.stderr).trim()}`;
console.log(
  `Millrace: no server, designer or simulators yet — serve flows headless with "npx millrace serve --headless --flows examples/batch-intake --profile examples/batch-intake/profiles/P100.json"; ${verdict}`,
);
process.exitCode = check.status === 0 ? 0 : 1;
