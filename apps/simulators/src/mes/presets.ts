import { DEFAULT_API_KEY } from './rest.ts';
import { DEFAULT_SITES } from './types.ts';
import type { MesSimulatorOptions } from './index.ts';

/** The development password of the pack's MQTT user when MES_<plant>_MQTT_PASSWORD is not set. */
export const DEFAULT_MQTT_PASSWORD = 'mes-sim-mqtt';

const PORTS: Readonly<Record<string, { http: number; mqtt: number }>> = {
  P100: { http: 4103, mqtt: 4183 },
  P200: { http: 4203, mqtt: 4283 },
};

/**
 * One plant's MES as examples/batch-release/profiles/<plant>.json expects it: REST on :4103
 * (:4203), the embedded broker on :4183 (:4283), MQTT user `millrace-<plant>` with the password
 * and API key from the same environment variables the profile names (MES_P100_MQTT_PASSWORD,
 * MES_P100_API_KEY), falling back to documented development values.
 */
export function batchReleaseMesOptions(
  plant: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): MesSimulatorOptions {
  const ports = PORTS[plant];
  const layout = DEFAULT_SITES[plant];
  if (!ports || !layout)
    throw new Error(`no batch-release preset for plant ${plant}; known: ${Object.keys(PORTS).join(', ')}`);
  const user = `millrace-${plant.toLowerCase()}`;
  return {
    port: ports.http,
    brokerPort: ports.mqtt,
    sites: { [plant]: layout },
    apiKey: env[`MES_${plant}_API_KEY`] ?? DEFAULT_API_KEY,
    brokerUsers: [
      {
        username: user,
        password: env[`MES_${plant}_MQTT_PASSWORD`] ?? DEFAULT_MQTT_PASSWORD,
        // Millrace subscribes to the UNS events and sends hold commands; Sparkplug is read-only.
        subscribe: ['acme/', 'spBv1.0/'],
        publish: ['acme/'],
      },
    ],
    sparkplug: { group: `acme-${plant.toLowerCase()}`, edge: 'mes-edge-01', intervalMs: 1000 },
  };
}
