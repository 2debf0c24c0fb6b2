// A runtime over one folder of packages/runtime/fixtures with the P100 profile, in a temporary
// data directory: what the runtime's integration tests share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFlows, readProfile } from './load.ts';
import { startRuntime, type Runtime } from './host.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export async function startFixtureRuntime(folder: string): Promise<{ runtime: Runtime; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `millrace-${folder}-`));
  const profile = readProfile(join(fixtures, 'P100.json'));
  const runtime = await startRuntime({
    dataDir: dir,
    flows: readFlows(join(fixtures, folder), profile, 'P100.json'),
    profile,
    engine: { pollMs: 10 },
  });
  return {
    runtime,
    async close() {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
