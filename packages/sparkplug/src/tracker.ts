import type { Known, Raw } from './values.ts';

interface Scope {
  readonly aliases: Map<string, Known>;
  readonly names: Map<string, number | undefined>;
}

interface EdgeNode {
  node: Scope;
  readonly devices: Map<string, Scope>;
  /** The seq of the last message that carried one; undefined until the first after a (re)start or NDEATH. */
  lastSeq?: number;
}

export interface SequenceGap {
  readonly expected: number;
  readonly got: number;
}

const newScope = (): Scope => ({ aliases: new Map(), names: new Map() });

/**
 * What a Sparkplug host remembers between messages, per edge node: the metric names and data
 * types its NBIRTH and its devices' DBIRTHs declared (DATA messages carry only an alias and a
 * value), and the last `seq`, to spot lost messages. In memory only: after a restart aliases
 * stay unresolved until the next BIRTH. Bounded: the edge node unheard of longest is forgotten
 * first.
 */
export class SparkplugTracker {
  readonly #nodes = new Map<string, EdgeNode>();
  readonly #maxNodes: number;

  constructor(maxNodes = 10000) {
    this.#maxNodes = maxNodes;
  }

  #edge(group: string, edgeNode: string, create: boolean): EdgeNode | undefined {
    const key = `${group}/${edgeNode}`;
    let entry = this.#nodes.get(key);
    if (entry) {
      // Most recently heard of last, so the first key is the one to forget.
      this.#nodes.delete(key);
      this.#nodes.set(key, entry);
    } else if (create) {
      entry = { node: newScope(), devices: new Map() };
      this.#nodes.set(key, entry);
      if (this.#nodes.size > this.#maxNodes) this.#nodes.delete(this.#nodes.keys().next().value!);
    }
    return entry;
  }

  /** Records a BIRTH's metrics. An NBIRTH starts the edge node over, its devices included. */
  birth(group: string, edgeNode: string, device: string | undefined, metrics: readonly Raw[]): void {
    const entry = this.#edge(group, edgeNode, true)!;
    const scope = newScope();
    if (device === undefined) {
      entry.node = scope;
      entry.devices.clear();
    } else entry.devices.set(device, scope);
    for (const m of metrics) {
      const name = m.name as string | undefined;
      const datatype = m.datatype as number | undefined;
      if (name !== undefined) scope.names.set(name, datatype);
      if (m.alias !== undefined)
        scope.aliases.set(String(m.alias), {
          ...(name === undefined ? {} : { name }),
          ...(datatype === undefined ? {} : { datatype }),
        });
    }
  }

  /** The name and data type the BIRTH gave a metric that a DATA message sent by alias or without type. */
  known(group: string, edgeNode: string, device: string | undefined, metric: Raw): Known {
    const entry = this.#nodes.get(`${group}/${edgeNode}`);
    const scope = entry && (device === undefined ? entry.node : entry.devices.get(device));
    if (!scope) return {};
    if (metric.name === undefined && metric.alias !== undefined) return scope.aliases.get(String(metric.alias)) ?? {};
    if (metric.name !== undefined && metric.datatype === undefined) {
      const datatype = scope.names.get(metric.name as string);
      return datatype === undefined ? {} : { datatype };
    }
    return {};
  }

  /**
   * Checks one message's seq: each message of an edge node (its devices' included) carries the
   * previous seq + 1, wrapping 255 → 0 (Sparkplug 3.0.0 chapter 6, "seq"). NBIRTH starts the count, NDEATH
   * ends it. A redelivered duplicate (MQTT DUP flag, same seq again) is not a gap.
   */
  sequence(
    group: string,
    edgeNode: string,
    messageType: string,
    seq: number | undefined,
    dup: boolean,
  ): SequenceGap | undefined {
    if (messageType === 'NDEATH') {
      const entry = this.#edge(group, edgeNode, false);
      if (entry) delete entry.lastSeq;
      return undefined;
    }
    if (seq === undefined || messageType === 'NCMD' || messageType === 'DCMD') return undefined;
    const entry = this.#edge(group, edgeNode, true)!;
    const last = entry.lastSeq;
    entry.lastSeq = seq;
    if (messageType === 'NBIRTH' || last === undefined) return undefined;
    const expected = (last + 1) % 256;
    if (seq === expected || (dup && seq === last)) return undefined;
    return { expected, got: seq };
  }
}
