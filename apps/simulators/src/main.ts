/**
 * `npm run simulators [-- P100 P200] [--only erp,qms,mes] [--seed N] [--broker URL] [--millrace URL] [--erp-port N …]`
 *
 * Starts each plant's ERP, QMS and MES (with its embedded MQTT broker, or --broker) on the ports
 * the example packs' profiles name (or the --*-port ones), and prints one line per simulator. The QMS sends its signed
 * webhooks to the runtime at --millrace (default http://127.0.0.1:3000). Stops on SIGINT/SIGTERM.
 */
import { startErpSimulator } from './erp/index.ts';
import { startMesSimulator } from './mes/index.ts';
import { batchReleaseMesOptions } from './mes/presets.ts';
import { erpPreset, plantSecrets, PLANTS, qmsPreset, startPlant } from './plant.ts';
import { startQmsSimulator } from './qms/index.ts';

const USAGE =
  'npm run simulators -- [P100] [P200] [--only erp,qms,mes] [--seed N] [--broker mqtt://…] [--millrace http://…] [--erp-port N] [--qms-port N] [--mes-port N] [--mqtt-port N]';
const PORT_FLAGS = { '--erp-port': 'erp', '--qms-port': 'qms', '--mes-port': 'mes', '--mqtt-port': 'mqtt' } as const;
const SYSTEMS = ['erp', 'qms', 'mes'] as const;

interface Args {
  plants: string[];
  only: Set<string>;
  seed: number;
  broker?: string;
  millrace: string;
  ports: Partial<Record<'erp' | 'qms' | 'mes' | 'mqtt', number>>;
}

function parse(argv: readonly string[]): Args {
  const args: Args = { plants: [], only: new Set(SYSTEMS), seed: 1, millrace: 'http://127.0.0.1:3000', ports: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value: ${USAGE}`);
      return v;
    };
    if (a === '--only') {
      const names = value().split(',');
      const unknown = names.filter((n) => !(SYSTEMS as readonly string[]).includes(n));
      if (unknown.length > 0) throw new Error(`--only takes erp, qms and mes, not ${unknown.join(', ')}`);
      args.only = new Set(names);
    } else if (a === '--seed') {
      args.seed = Number(value());
      if (!Number.isInteger(args.seed)) throw new Error(`--seed must be a whole number: ${USAGE}`);
    } else if (a in PORT_FLAGS) {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`${a} must be a TCP port (0 = any free one)`);
      args.ports[PORT_FLAGS[a as keyof typeof PORT_FLAGS]] = port;
    } else if (a === '--broker') args.broker = value();
    else if (a === '--millrace') args.millrace = value();
    else if (PLANTS.includes(a)) args.plants.push(a);
    else throw new Error(`unknown argument "${a}": ${USAGE}`);
  }
  if (args.plants.length === 0) args.plants.push('P100');
  if (Object.keys(args.ports).length > 0 && (args.plants.length > 1 || args.only.size < SYSTEMS.length))
    throw new Error('--erp-port, --qms-port, --mes-port and --mqtt-port apply to one plant with all three systems');
  return args;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const secrets = plantSecrets();
  const closers: Array<() => Promise<void>> = [];
  for (const plant of args.plants) {
    if (args.only.size === SYSTEMS.length) {
      const p = await startPlant({
        plant,
        ports: args.ports,
        seed: args.seed,
        millraceUrl: args.millrace,
        ...(args.broker ? { brokerUrl: args.broker } : {}),
      });
      closers.push(() => p.close());
      console.log(`[${plant}] ERP  ${p.erp.url}/sap/opu/odata/sap  (control ${p.erp.url}/__sim)`);
      console.log(`[${plant}] QMS  ${p.qms.baseUrl}  (webhooks → ${args.millrace}/hooks/qms-decisions/events)`);
      console.log(`[${plant}] MES  ${p.mes.url}/mes/api/v1, MQTT ${p.brokerUrl}`);
      continue;
    }
    if (args.only.has('erp')) {
      const erp = await startErpSimulator({ ...erpPreset(plant, secrets), seed: args.seed });
      closers.push(() => erp.close());
      console.log(`[${plant}] ERP  ${erp.url}/sap/opu/odata/sap`);
    }
    if (args.only.has('qms')) {
      const qms = await startQmsSimulator({ ...qmsPreset(plant, secrets, args.millrace), seed: args.seed });
      closers.push(() => qms.close());
      console.log(`[${plant}] QMS  ${qms.baseUrl}`);
    }
    if (args.only.has('mes')) {
      const mes = await startMesSimulator({
        ...batchReleaseMesOptions(plant, secrets),
        seed: args.seed,
        ...(args.broker ? { brokerUrl: args.broker, brokerUsers: undefined } : {}),
      });
      closers.push(() => mes.close());
      console.log(`[${plant}] MES  ${mes.url}/mes/api/v1, MQTT ${mes.brokerUrl}`);
    }
  }
  console.log('simulators: ready (Ctrl-C stops them)');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const close of closers.reverse()) await close().catch(() => undefined);
    process.exit(0);
  };
  // A second signal (Ctrl-C and the parent's SIGTERM) must not kill the process mid-close.
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  console.error(`simulators: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
