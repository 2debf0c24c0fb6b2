import { useEffect, useRef } from 'react';
import { keysFor, onMac, SHORTCUTS } from './keys.ts';

/** The keyboard shortcuts, in a modal dialog (Escape or the button closes it). */
export function ShortcutsHelp({ onClose }: { onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const mac = onMac();
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog ref={dialog} className="shortcuts" aria-labelledby="shortcuts-title" onClose={onClose}>
      <h3 id="shortcuts-title">Keyboard shortcuts</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <td>
                <kbd>{keysFor(keys, mac)}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">{mac ? 'Ctrl works for ⌘ too.' : 'On a Mac, ⌘ works in place of Ctrl.'}</p>
      <button type="button" onClick={onClose} autoFocus>
        Close
      </button>
    </dialog>
  );
}
