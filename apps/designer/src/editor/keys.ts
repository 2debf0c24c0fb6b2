// The editor's keyboard shortcuts: which key press means which command. Pure, and the help
// dialog lists the same table.

export type Command =
  | 'undo'
  | 'redo'
  | 'copy'
  | 'paste'
  | 'cut'
  | 'duplicate'
  | 'delete'
  | 'select-all'
  | 'help'
  | 'fit-view'
  | 'deselect'
  | 'find';

export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

/** The command of a key press; Ctrl and ⌘ count the same (Windows/Linux and macOS). */
export function commandOf(e: KeyPress): Command | undefined {
  const mod = e.ctrlKey || e.metaKey;
  if (e.altKey) return undefined;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod) {
    switch (key) {
      case 'z':
        return e.shiftKey ? 'redo' : 'undo';
      case 'y':
        return 'redo';
      case 'c':
        return e.shiftKey ? undefined : 'copy';
      case 'v':
        return e.shiftKey ? undefined : 'paste';
      case 'x':
        return e.shiftKey ? undefined : 'cut';
      case 'd':
        return 'duplicate';
      case 'a':
        return 'select-all';
      default:
        return undefined;
    }
  }
  if (key === 'Delete' || key === 'Backspace') return 'delete';
  if (key === '?') return 'help';
  if (key === 'Escape') return 'deselect';
  if (key === 'f' && !e.shiftKey) return 'fit-view';
  if (key === '/') return 'find';
  return undefined;
}

/** Commands that change the flow: a read-only editor ignores them. */
export const EDITING: ReadonlySet<Command> = new Set(['undo', 'redo', 'paste', 'cut', 'duplicate', 'delete']);

/** The help's table: keys and what they do (those React Flow handles itself included). */
export const SHORTCUTS: ReadonlyArray<readonly [keys: string, what: string]> = [
  ['Enter on a palette item', 'add the node in the middle of the canvas'],
  ['Tab / Shift+Tab', 'move between palette, canvas nodes and panels'],
  ['Enter or Space on a node', 'select it (opens the inspector)'],
  ['Arrow keys', 'move the selected nodes (Shift: further)'],
  ['Shift+click, Shift+drag', 'add to the selection, select with a box'],
  ['Ctrl+A', 'select all'],
  ['Ctrl+C / Ctrl+X / Ctrl+V', 'copy / cut / paste the selected nodes (with the edges between them)'],
  ['Ctrl+D', 'duplicate the selected nodes'],
  ['Delete or Backspace', 'delete the selected nodes and edges'],
  ['Ctrl+Z', 'undo'],
  ['Ctrl+Shift+Z or Ctrl+Y', 'redo'],
  ['F', 'fit the flow into view'],
  ['/', 'find a node by id or name (Enter again: the next match)'],
  ['?', 'this help'],
  ['Escape', 'close this help; on the canvas, clear the selection'],
];

/** The keys as written on this platform: on a Mac the shortcuts take ⌘ where others press Ctrl. */
export function keysFor(keys: string, mac: boolean): string {
  return mac ? keys.replace(/\bCtrl\+/g, '⌘') : keys;
}

/** Whether the browser runs on macOS (or iOS, whose keyboards have ⌘ too). */
export function onMac(nav: { readonly platform?: string; readonly userAgent?: string } = navigator): boolean {
  return /Mac|iPhone|iPad/.test(nav.platform || nav.userAgent || '');
}
