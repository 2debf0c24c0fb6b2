import type { DataTypeName, MetricInput } from '@millrace/sparkplug';
import type { Rng } from '../core/index.ts';

/**
 * The equipment behind the MES edge node and its metrics. Values drift by a seeded random walk
 * within a band, so the telemetry looks alive and is the same for the same seed. Aliases are
 * unique across the edge node (Sparkplug wants them unique per edge node, devices included).
 */
export interface MetricDef {
  readonly name: string;
  readonly alias: number;
  readonly datatype: DataTypeName;
  readonly engUnit?: string;
  readonly min?: number;
  readonly max?: number;
  /** Largest change per tick. */
  readonly step?: number;
  /** A counter: goes up by 0–step each tick. */
  readonly counter?: boolean;
  readonly initial: number | string;
}

export const DEVICE_DEFS: Readonly<Record<string, readonly MetricDef[]>> = {
  'reactor-01': [
    {
      name: 'Reactor/Temperature',
      alias: 101,
      datatype: 'Float',
      engUnit: 'degC',
      min: 20,
      max: 85,
      step: 0.8,
      initial: 45,
    },
    {
      name: 'Reactor/Pressure',
      alias: 102,
      datatype: 'Float',
      engUnit: 'bar',
      min: 0.8,
      max: 2.5,
      step: 0.05,
      initial: 1.2,
    },
    { name: 'Agitator/Speed', alias: 103, datatype: 'Float', engUnit: 'rpm', min: 60, max: 180, step: 4, initial: 120 },
    { name: 'Reactor/Weight', alias: 104, datatype: 'Double', engUnit: 'kg', min: 0, max: 1200, step: 5, initial: 600 },
    { name: 'Batch/LotId', alias: 105, datatype: 'String', initial: '' },
  ],
  'dryer-02': [
    {
      name: 'Dryer/InletTemperature',
      alias: 201,
      datatype: 'Float',
      engUnit: 'degC',
      min: 70,
      max: 90,
      step: 0.5,
      initial: 80,
    },
    {
      name: 'Dryer/ProductTemperature',
      alias: 202,
      datatype: 'Float',
      engUnit: 'degC',
      min: 55.5,
      max: 64.5,
      step: 0.3,
      initial: 60,
    },
    {
      name: 'Dryer/Pressure',
      alias: 203,
      datatype: 'Float',
      engUnit: 'mbar',
      min: 20,
      max: 80,
      step: 1.5,
      initial: 50,
    },
    {
      name: 'Dryer/Moisture',
      alias: 204,
      datatype: 'Float',
      engUnit: '%',
      min: 0.5,
      max: 1.9,
      step: 0.05,
      initial: 1.2,
    },
    { name: 'Batch/LotId', alias: 205, datatype: 'String', initial: '' },
  ],
  'packline-03': [
    {
      name: 'Packline/NetWeight',
      alias: 301,
      datatype: 'Double',
      engUnit: 'kg',
      min: 24.8,
      max: 25.2,
      step: 0.02,
      initial: 25,
    },
    { name: 'Packline/Count', alias: 302, datatype: 'Int64', step: 3, counter: true, initial: 0 },
    {
      name: 'Packline/Speed',
      alias: 303,
      datatype: 'Float',
      engUnit: 'packs/min',
      min: 10,
      max: 30,
      step: 1,
      initial: 20,
    },
    { name: 'Batch/LotId', alias: 304, datatype: 'String', initial: '' },
  ],
};

export const DEVICE_IDS = Object.keys(DEVICE_DEFS);

/** One device's live values. */
export class DeviceState {
  alive = true;
  private readonly values = new Map<string, number | string>();

  constructor(
    readonly id: string,
    readonly defs: readonly MetricDef[],
  ) {
    for (const d of defs) this.values.set(d.name, d.initial);
  }

  set(name: string, value: number | string): void {
    if (this.values.has(name)) this.values.set(name, value);
  }

  get(name: string): number | string | undefined {
    return this.values.get(name);
  }

  /** Moves every numeric metric one step of its random walk. */
  step(rng: Rng): void {
    for (const d of this.defs) {
      const v = this.values.get(d.name);
      if (typeof v !== 'number' || d.step === undefined) continue;
      if (d.counter) this.values.set(d.name, v + rng.int(0, d.step));
      else {
        const next = v + (rng.next() * 2 - 1) * d.step;
        this.values.set(d.name, round(Math.min(d.max ?? next, Math.max(d.min ?? next, next))));
      }
    }
  }

  /** BIRTH metrics: name, alias, data type, value and the engineering unit. */
  birthMetrics(timestamp: number): MetricInput[] {
    return this.defs.map((d) => ({
      name: d.name,
      alias: d.alias,
      datatype: d.datatype,
      timestamp,
      value: this.values.get(d.name),
      ...(d.engUnit ? { properties: { engUnit: d.engUnit } } : {}),
    }));
  }

  /** DATA metrics: alias and value only, as edge nodes send them once the BIRTH bound the aliases. */
  dataMetrics(timestamp: number, historical = false): MetricInput[] {
    return this.defs.map((d) => ({
      alias: d.alias,
      encodeAs: d.datatype,
      timestamp,
      value: this.values.get(d.name),
      ...(historical ? { isHistorical: true } : {}),
    }));
  }
}

const round = (v: number) => Math.round(v * 100) / 100;
