// What the run pages show of a run, as pure functions: kept apart from RunDetail so that the
// dead-letter and approval lists use them without loading the canvas (React Flow) with them.
import type { RunTrace, TraceStep } from './api.ts';
import type { CanvasOverlay, NodeOverlay } from './FlowCanvas.tsx';

/** Whether a step is where the run failed: parked (a dead letter) or left with an error. */
export const stepFailed = (s: Pick<TraceStep, 'status' | 'error'>) =>
  s.status === 'parked' || (s.error !== null && s.error !== undefined);

/** Per node, what the run did there: the last step's status, all attempts and durations summed. */
export function overlayOf(trace: RunTrace): CanvasOverlay {
  const nodes = new Map<string, NodeOverlay>();
  for (const s of trace.steps) {
    const before = nodes.get(s.node);
    nodes.set(s.node, {
      status: s.status,
      attempts: (before?.attempts ?? 0) + s.attempts,
      durationMs:
        before?.durationMs === undefined || before.durationMs === null
          ? s.durationMs
          : before.durationMs + (s.durationMs ?? 0),
      failed: (before?.failed ?? false) || stepFailed(s),
    });
  }
  return { key: `${trace.runId}:${trace.status}:${trace.steps.length}`, nodes };
}

/** A value as indented JSON for a read-only <pre>; undefined and null read as such. */
export const pretty = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v, null, 2));
