import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Engine, Transition } from '@millrace/engine';

/**
 * Prometheus metrics from the engine's stream of transitions: runs by outcome, steps by node and
 * outcome, retries, dead letters, and step latency per flow and node. Labels are flow and node
 * ids and node types — never business keys, which would make the series unbounded.
 */
export function engineMetrics(engine: Engine): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'millrace_process_' });
  const runs = new Counter({
    name: 'millrace_runs_total',
    help: 'Runs by flow and what happened to them (accepted, duplicate, succeeded, dead_lettered, discarded).',
    labelNames: ['flow', 'status'],
    registers: [registry],
  });
  const steps = new Counter({
    name: 'millrace_steps_total',
    help: 'Step attempts by flow, node and outcome (succeeded, retrying, routed-error, parked, waiting).',
    labelNames: ['flow', 'node', 'type', 'status'],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'millrace_retries_total',
    help: 'Step attempts that failed and were scheduled again.',
    labelNames: ['flow', 'node', 'code'],
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'millrace_dead_letters_total',
    help: 'Steps parked in the dead-letter inbox.',
    labelNames: ['flow', 'node'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'millrace_step_duration_seconds',
    help: 'Time of one step attempt, by flow and node.',
    labelNames: ['flow', 'node'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  engine.onTransition((t: Transition) => {
    if (t.kind === 'run') {
      if (t.status !== 'running') runs.inc({ flow: t.flowId, status: t.status });
      return;
    }
    steps.inc({ flow: t.flowId, node: t.nodeId, type: t.nodeType, status: t.status });
    latency.observe({ flow: t.flowId, node: t.nodeId }, t.durationMs / 1000);
    if (t.status === 'retrying') retries.inc({ flow: t.flowId, node: t.nodeId, code: t.error?.code ?? 'UNKNOWN' });
    if (t.status === 'parked') deadLetters.inc({ flow: t.flowId, node: t.nodeId });
  });
  return registry;
}
