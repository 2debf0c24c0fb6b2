import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The first minutes of a newcomer (issue 6): `npm start` answers /healthz within 60 s with the
 * demo pack imported and deployed to P100, and batch completions from the MES simulator become
 * runs at /api/runs, counted in /api/metrics/business.
 * The demo uses fixed ports (3000, 4101-4103, 4183), so the check runs in a network namespace of
 * its own when `unshare` allows one; otherwise only when those ports are free, and says so.
 */
const check = fileURLToPath(new URL('./npm-start-check.ts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));
const namespaced = spawnSync('unshare', ['-rn', 'true']).status === 0 && spawnSync('ip', ['-V']).status === 0;

async function portsFree(ports: number[]): Promise<boolean> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

const runnable = namespaced || (await portsFree([3000, 4101, 4102, 4103, 4183]));
if (!runnable)
  console.warn(
    '\n*** e2e: npm start check SKIPPED — no network namespace (unshare -rn) and the demo ports 3000/4101-4103/4183 are taken. ***\n',
  );

describe('npm start', () => {
  it.skipIf(!runnable)(
    'is healthy within 60 s and turns MES batch completions into runs visible at /api/runs',
    async () => {
      const script = `ip link set lo up && exec "${process.execPath}" --import tsx "${check}"`;
      const { stdout } = await promisify(execFile)(
        namespaced ? 'unshare' : 'bash',
        namespaced ? ['-rn', 'bash', '-c', script] : ['-c', `exec "${process.execPath}" --import tsx "${check}"`],
        { cwd: root, maxBuffer: 16 * 1024 * 1024, timeout: 150_000 },
      );
      const line = stdout.split('\n').find((l) => l.startsWith('NPM-START-RESULT '));
      const result = JSON.parse(line!.slice('NPM-START-RESULT '.length)) as Record<string, unknown>;
      console.log(`npm start (${namespaced ? 'own network namespace' : 'host network'}): ${JSON.stringify(result)}`);
      expect(result.healthzMs).not.toBeNull();
      expect(result.healthzMs as number).toBeLessThan(60_000);
      expect(result.scenario).toBe(200);
      expect(result.login).toBe(200);
      expect(result.runs).toBe(5);
      expect(result.statuses).toEqual(['succeeded']);
      // The demo pack was imported and deployed to P100, and the batches are counted as business.
      expect(result.deployed).toEqual(['batch-release@1.0.0', 'qms-decisions@1.0.0']);
      expect(result.deployedRunning).toBe(true);
      const kpis = result.kpis as { released: number; onHold: number };
      expect(kpis.released + kpis.onHold).toBe(5);
      expect(kpis.onHold).toBe(1);
      expect(result.allStopped).toBe(true);
      expect(result.serverStoppedCleanly).toBe(true);
    },
    180_000,
  );
});
