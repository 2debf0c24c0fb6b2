import { useId, useImperativeHandle, useRef, useState, type Ref } from 'react';
import type { FlowNode } from '@millrace/flow-model';
import { findNode } from './find.ts';

export interface FindNodeHandle {
  focus(): void;
}

export interface FindNodeProps {
  ref?: Ref<FindNodeHandle>;
  nodes: readonly FlowNode[];
  /** A node matched: select it and bring it into view. */
  onFound(nodeId: string): void;
  onMissing(query: string): void;
}

/**
 * Finds a node by id or name, so a node of a big flow is reachable from the keyboard without
 * zooming and tabbing (the canvas only renders nodes in view). Enter again goes to the next match.
 */
export function FindNode({ ref, nodes, onFound, onMissing }: FindNodeProps) {
  const id = useId();
  const [query, setQuery] = useState('');
  const last = useRef<string | undefined>(undefined);
  const input = useRef<HTMLInputElement>(null);
  useImperativeHandle(ref, () => ({ focus: () => input.current?.focus() }), []);
  return (
    <form
      role="search"
      className="find-node"
      onSubmit={(e) => {
        e.preventDefault();
        const found = findNode(nodes, query, last.current);
        last.current = found;
        if (found) onFound(found);
        else onMissing(query);
      }}
    >
      <label htmlFor={id}>Find node</label>
      <input
        id={id}
        ref={input}
        type="search"
        value={query}
        placeholder="id or name"
        aria-keyshortcuts="/"
        onChange={(e) => {
          setQuery(e.target.value);
          last.current = undefined;
        }}
      />
    </form>
  );
}
