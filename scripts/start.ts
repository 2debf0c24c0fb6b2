// `npm start` (run by tsx): the plant P100 simulators (ERP, QMS, MES with its MQTT broker) and the
// Millrace server (API, engine, webhooks) serving the batch-release demo pack on SQLite under
// ./data, wired together with the demo secrets, and the designer at / (built first when it is
// missing). Ctrl-C stops everything.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plantSecrets } from '@millrace/simulators';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`npm start: PORT must be a TCP port number, not "${process.env.PORT}"`);
  process.exit(2);
}
const runtimeUrl = `http://127.0.0.1:${port}`;
const dataDir = process.env.MILLRACE_DATA ?? 'data';

// The development secrets the example profiles name; any set in the environment wins.
const env = { ...process.env, ...plantSecrets(process.env), PORT: String(port), MILLRACE_DATA: dataDir };

// Builds what is missing (issue 6): the designer the server serves at / (issue 7).
if (!existsSync(join(root, 'apps/designer/dist/index.html'))) {
  console.log('npm start: building the designer (apps/designer/dist)…');
  const built = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: join(root, 'apps/designer'),
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'inherit',
    },
  );
  if (built.status !== 0) {
    console.error(`npm start: the designer did not build (${built.status ?? built.signal}); see above`);
    process.exit(1);
  }
}

const children: ChildProcess[] = [];
// Closed = exited and every line it wrote forwarded: only then may this process exit.
const closed = new Set<ChildProcess>();
function start(name: string, args: string[], ready: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    child.on('close', () => closed.add(child));
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s:\n${seen}`)), 60_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      seen += text;
      for (const line of text.split('\n').filter(Boolean)) console.log(`[${name}] ${line}`);
      if (seen.includes(ready)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!stopping) {
        console.error(`[${name}] stopped (${code ?? signal}); stopping everything`);
        void stop(1);
      }
      reject(new Error(`${name} exited (${code ?? signal}):\n${seen}`));
    });
  });
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children
      .filter((c) => !closed.has(c))
      .map(
        (c) =>
          new Promise<void>((resolve) => {
            c.once('close', () => resolve());
            if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
          }),
      ),
  );
  process.exit(code);
}
// `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and relayed by tsx), and a
// second signal with no listener would kill it before its children's last lines are forwarded.
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  await start(
    'simulators',
    ['--no-node-snapshot', '--import', 'tsx', 'apps/simulators/src/main.ts', 'P100', '--millrace', runtimeUrl],
    'simulators: ready',
  );
  await start(
    'server',
    [
      '--no-node-snapshot',
      '--import',
      'tsx',
      'apps/server/src/main.ts',
      // Imported (audited) and deployed to P100 on the first start; found installed after that.
      '--pack',
      'examples/batch-release',
      '--plant',
      'P100',
    ],
    'millrace: server at',
  );
} catch (e) {
  console.error(`npm start: ${e instanceof Error ? e.message : String(e)}`);
  await stop(1);
}

console.log(`
Millrace is running for plant P100 (demo pack examples/batch-release; data in ${dataDir}/).
  designer    ${runtimeUrl}/  (log in as "admin")
  server      ${runtimeUrl}  (API reference ${runtimeUrl}/api/docs, health ${runtimeUrl}/healthz, metrics ${runtimeUrl}/metrics)
  log in      POST ${runtimeUrl}/api/auth/login as "admin" (the password is printed above on the first start,
              or set MILLRACE_ADMIN_PASSWORD), then POST /api/tokens for an API token
  a scenario  curl -X POST http://127.0.0.1:4103/__sim/scenario -H 'content-type: application/json' -d '{"batches":10,"plants":["P100"],"outOfSpecRate":0.2}'
  then        GET ${runtimeUrl}/api/runs and ${runtimeUrl}/api/dead-letters with the token
Ctrl-C stops everything.`);
