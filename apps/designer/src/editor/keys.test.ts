import { describe, expect, it } from 'vitest';
import { commandOf, keysFor, onMac } from './keys.ts';

const press = (key: string, mods: Partial<{ ctrl: boolean; meta: boolean; shift: boolean; alt: boolean }> = {}) => ({
  key,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  shiftKey: mods.shift ?? false,
  altKey: mods.alt ?? false,
});

describe('keyboard shortcuts', () => {
  it('undoes with Ctrl+Z and redoes with Ctrl+Shift+Z or Ctrl+Y', () => {
    expect(commandOf(press('z', { ctrl: true }))).toBe('undo');
    expect(commandOf(press('Z', { ctrl: true, shift: true }))).toBe('redo');
    expect(commandOf(press('y', { ctrl: true }))).toBe('redo');
  });

  it('writes ⌘ for Ctrl in the help on a Mac, and leaves other keys alone', () => {
    expect(keysFor('Ctrl+Shift+Z or Ctrl+Y', true)).toBe('⌘Shift+Z or ⌘Y');
    expect(keysFor('Ctrl+Shift+Z or Ctrl+Y', false)).toBe('Ctrl+Shift+Z or Ctrl+Y');
    expect(keysFor('Shift+click, Shift+drag', true)).toBe('Shift+click, Shift+drag');
    expect(onMac({ platform: 'MacIntel' })).toBe(true);
    expect(onMac({ platform: '', userAgent: 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)' })).toBe(true);
    expect(onMac({ platform: 'Linux x86_64' })).toBe(false);
    expect(onMac({ platform: 'Win32' })).toBe(false);
  });

  it('takes ⌘ for Ctrl (macOS)', () => {
    expect(commandOf(press('c', { meta: true }))).toBe('copy');
    expect(commandOf(press('v', { meta: true }))).toBe('paste');
  });

  it('maps copy, paste, cut, duplicate, select all, delete, help and fit view', () => {
    expect(commandOf(press('c', { ctrl: true }))).toBe('copy');
    expect(commandOf(press('x', { ctrl: true }))).toBe('cut');
    expect(commandOf(press('d', { ctrl: true }))).toBe('duplicate');
    expect(commandOf(press('a', { ctrl: true }))).toBe('select-all');
    expect(commandOf(press('/'))).toBe('find');
    expect(commandOf(press('Delete'))).toBe('delete');
    expect(commandOf(press('Backspace'))).toBe('delete');
    expect(commandOf(press('?', { shift: true }))).toBe('help');
    expect(commandOf(press('f'))).toBe('fit-view');
    expect(commandOf(press('Escape'))).toBe('deselect');
  });

  it('leaves other keys and Alt combinations alone', () => {
    expect(commandOf(press('z'))).toBeUndefined();
    expect(commandOf(press('c', { ctrl: true, alt: true }))).toBeUndefined();
    expect(commandOf(press('q', { ctrl: true }))).toBeUndefined();
  });
});
