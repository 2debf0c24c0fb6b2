import type { SerializedError } from '@millrace/node-sdk';
import type { RunStatus } from './store.ts';

/** A step changed state. The stream feeds tracing and metrics; with no listener it costs nothing. */
export interface StepTransition {
  readonly kind: 'step';
  readonly flowId: string;
  readonly runId: number;
  readonly key: string;
  readonly nodeId: string;
  readonly nodeType: string;
  readonly status: 'succeeded' | 'retrying' | 'routed-error' | 'parked' | 'waiting';
  readonly attempt: number;
  readonly durationMs: number;
  /** Messages sent per port. */
  readonly ports: Readonly<Record<string, number>>;
  readonly error?: SerializedError;
  readonly retryInMs?: number;
}

export interface RunTransition {
  readonly kind: 'run';
  readonly flowId: string;
  readonly runId: number;
  readonly status: 'accepted' | 'duplicate' | 'running' | RunStatus;
}

export type Transition = StepTransition | RunTransition;
export type TransitionListener = (t: Transition) => void;

export class TransitionStream {
  private listeners: TransitionListener[] = [];

  get active(): boolean {
    return this.listeners.length > 0;
  }

  on(listener: TransitionListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  emit(t: Transition): void {
    for (const l of this.listeners) {
      try {
        l(t);
      } catch {
        // A failing listener (a metrics bug) must never break a run.
      }
    }
  }
}
