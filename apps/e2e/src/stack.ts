import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, startServe, type Served } from '@millrace/cli/test-support';
import { EXAMPLE_QMS_HOOKS, startPlant, type Plant } from '@millrace/simulators';
import { clearRetained } from './broker.ts';

/**
 * The reference deployment as real processes: one plant's ERP, QMS and MES simulators (in this
 * process, with the MES's embedded broker or an external one) and `millrace serve --headless`
 * as a child process serving an example pack (batch-release by default) with the plant's profile.
 */
export interface StackOptions {
  /** The example pack under examples/ to serve. @default 'batch-release' */
  readonly pack?: string;
  readonly plant?: string;
  readonly seed?: number;
  /** An external broker (the real Mosquitto); default: the MES's embedded aedes broker. */
  readonly brokerUrl?: string;
  /**
   * On a shared broker, the MES publishes under this prefix and the served flows' topic filters
   * are rewritten to match, so a run never sees another run's events.
   */
  readonly topicPrefix?: string;
  readonly qaRobotDelayMs?: number;
}

export interface Stack {
  readonly plant: Plant;
  readonly runtime: Served;
  readonly runtimeUrl: string;
  readonly dir: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const plantId = options.plant ?? 'P100';
  const pack = join(ROOT, 'examples', options.pack ?? 'batch-release');
  const dir = mkdtempSync(join(tmpdir(), 'millrace-e2e-'));
  const port = await freePort();
  const runtimeUrl = `http://127.0.0.1:${port}`;
  const plant = await startPlant({
    plant: plantId,
    ports: 'any',
    seed: options.seed ?? 1,
    millraceUrl: runtimeUrl,
    qaRobotDelayMs: options.qaRobotDelayMs ?? 100,
    // Only the served flows' webhooks: a subscription to a flow that is not there would retry in vain.
    qmsHooks: EXAMPLE_QMS_HOOKS.filter((h) => existsSync(join(pack, 'flows', `${h.flow}.flow.json`))),
    ...(options.brokerUrl ? { brokerUrl: options.brokerUrl } : {}),
    ...(options.topicPrefix ? { topicPrefix: options.topicPrefix } : {}),
  });
  try {
    const flows = join(dir, 'flows');
    cpSync(join(pack, 'flows'), flows, { recursive: true });
    if (options.topicPrefix) prefixTopics(flows, options.topicPrefix);
    const base = JSON.parse(readFileSync(join(pack, 'profiles', `${plantId}.json`), 'utf8')) as {
      connections: Record<string, Record<string, unknown>>;
    };
    const profile = plant.profile(base) as typeof base;
    for (const [slot, connection] of Object.entries(profile.connections)) {
      if (connection.type !== 'mqtt') continue;
      // A client id of its own: a persistent session left on a shared broker by an earlier run
      // would otherwise be taken over, with its queued messages.
      connection.clientId = `millrace-e2e-${slot}-${process.pid}-${port}`;
      if (options.brokerUrl) {
        // The real broker of this project's machines allows anonymous clients.
        delete connection.username;
        delete connection.password;
      }
    }
    const profilePath = join(dir, `${plantId}.json`);
    writeFileSync(profilePath, JSON.stringify(profile, null, 2));
    const dataDir = join(dir, 'data');
    const runtime = await startServe({ flows, profile: profilePath, data: dataDir, port, env: plant.secrets });
    return {
      plant,
      runtime,
      runtimeUrl,
      dir,
      dataDir,
      async stop() {
        if (runtime.child.exitCode === null) {
          runtime.child.kill('SIGTERM');
          const stopped = await Promise.race([
            runtime.exited.then(() => true),
            new Promise<false>((r) => setTimeout(() => r(false), 15_000)),
          ]);
          if (!stopped) runtime.child.kill('SIGKILL');
        }
        await plant.close();
        if (options.brokerUrl && options.topicPrefix) await clearRetained(options.brokerUrl, options.topicPrefix);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await plant.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Rewrites every trigger.mqtt / mqtt.publish topic of the flows in `dir` under `prefix`. */
function prefixTopics(dir: string, prefix: string): void {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.flow.json')) continue;
    const file = join(dir, name);
    const flow = JSON.parse(readFileSync(file, 'utf8')) as {
      nodes: Array<{ type: string; config: Record<string, unknown> }>;
    };
    for (const node of flow.nodes) {
      if ((node.type === 'trigger.mqtt' || node.type === 'mqtt.publish') && typeof node.config.topic === 'string')
        node.config.topic = `${prefix}${node.config.topic}`;
    }
    writeFileSync(file, JSON.stringify(flow, null, 2));
  }
}
