import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, createHistory, push, redo, undo } from './history.ts';

describe('undo history', () => {
  it('undoes and redoes changes in order', () => {
    let h = createHistory('a');
    h = push(h, 'b');
    h = push(h, 'c');
    h = undo(h);
    expect(h.present).toBe('b');
    h = undo(h);
    expect(h.present).toBe('a');
    expect(canUndo(h)).toBe(false);
    h = redo(h);
    h = redo(h);
    expect(h.present).toBe('c');
    expect(canRedo(h)).toBe(false);
  });

  it('forgets what could be redone once something new is changed', () => {
    let h = push(push(createHistory(1), 2), 3);
    h = undo(h);
    h = push(h, 4);
    expect(canRedo(h)).toBe(false);
    expect(undo(h).present).toBe(2);
  });

  it('merges a burst of changes with the same key into one step', () => {
    let h = createHistory('');
    h = push(h, 'h', { key: 'name', now: 0 });
    h = push(h, 'he', { key: 'name', now: 300 });
    h = push(h, 'hey', { key: 'name', now: 600 });
    expect(h.present).toBe('hey');
    expect(undo(h).present).toBe('');
  });

  it('keeps changes with the same key apart when they are a pause away, or keys differ', () => {
    let h = createHistory('');
    h = push(h, 'a', { key: 'k', now: 0 });
    h = push(h, 'ab', { key: 'k', now: 5000 });
    h = push(h, 'abc', { key: 'other', now: 5100 });
    expect(undo(h).present).toBe('ab');
    expect(undo(undo(h)).present).toBe('a');
  });

  it('records no step for the same value', () => {
    const h = createHistory({ x: 1 });
    expect(push(h, h.present)).toBe(h);
  });

  it('keeps at most the limit of steps', () => {
    let h = createHistory(0);
    for (let i = 1; i <= 10; i++) h = push(h, i, { limit: 3 });
    expect(h.past).toEqual([7, 8, 9]);
  });

  it('does nothing when there is nothing to undo or redo', () => {
    const h = createHistory('x');
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
  });
});
