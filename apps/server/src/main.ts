/**
 * `npm run server -- [--pack <dir> --plant <code>] [--plant <code>] [--flows <dir|pack> --profile <p.json>]`:
 * the Millrace server on
 * 127.0.0.1:$PORT (3000) with SQLite under $MILLRACE_DATA (./data). Prints the URL and, on the
 * first start, how to log in. Ctrl-C stops it cleanly.
 */
import { readFlows, readProfile, LoadError } from '@millrace/runtime';
import { startServer } from './server.ts';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i === -1 ? undefined : args[i + 1];
  };
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`millrace server: PORT must be a TCP port number, not "${process.env.PORT}"`);
    return 2;
  }
  const flowsPath = value('--flows');
  const profilePath = value('--profile');
  if ((flowsPath === undefined) !== (profilePath === undefined)) {
    console.error('millrace server: --flows and --profile go together');
    return 2;
  }
  let deployed = {};
  try {
    if (flowsPath && profilePath) {
      const profile = readProfile(profilePath);
      deployed = { profile, flows: readFlows(flowsPath, profile, profilePath) };
    }
  } catch (e) {
    if (e instanceof LoadError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const pack = value('--pack');
  const plant = value('--plant');
  if (pack && !plant) {
    console.error('millrace server: --pack needs --plant, the plant to deploy it to');
    return 2;
  }
  const server = await startServer({
    dataDir: process.env.MILLRACE_DATA ?? './data',
    port,
    ...deployed,
    ...(pack ? { pack } : {}),
    ...(plant ? { plant } : {}),
  });
  console.log(`millrace: server at ${server.url} (API reference ${server.url}/api/docs)`);
  if (server.admin?.generated)
    console.log(
      `millrace: created user "${server.admin.username}" with the one-time password ${server.admin.password} — log in and change it`,
    );
  else if (server.admin) console.log(`millrace: created user "${server.admin.username}" with MILLRACE_ADMIN_PASSWORD`);
  await new Promise<void>((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });
  console.log('millrace: stopping');
  await server.close();
  console.log('millrace: stopped');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`millrace server: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
