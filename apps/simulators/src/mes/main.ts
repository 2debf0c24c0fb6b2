/**
 * Starts MES simulators from the command line:
 *   npx tsx apps/simulators/src/mes/main.ts            # P100 as the batch-release pack expects
 *   npx tsx apps/simulators/src/mes/main.ts P100 P200  # one MES per plant
 *   MES_BROKER_URL=mqtt://127.0.0.1:1883 npx tsx …    # publish to an external broker instead
 * Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.
 */
import { startMesSimulator, type MesSimulator } from './index.ts';
import { batchReleaseMesOptions } from './presets.ts';

const plants = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['P100'];
const sims: MesSimulator[] = [];
for (const plant of plants) {
  const options = batchReleaseMesOptions(plant);
  const brokerUrl = process.env.MES_BROKER_URL;
  const sim = await startMesSimulator({
    ...options,
    ...(process.env.MES_SEED ? { seed: Number(process.env.MES_SEED) } : {}),
    ...(brokerUrl ? { brokerUrl, brokerUsers: undefined } : {}),
  });
  sims.push(sim);
  console.info(
    `[mes ${plant}] REST ${sim.url}/mes/api/v1 (X-API-Key), control ${sim.url}/__sim, MQTT ${sim.brokerUrl}`,
  );
}

const stop = async () => {
  for (const s of sims) await s.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
