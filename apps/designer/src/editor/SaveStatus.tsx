import type { SaveState } from './useAutosave.ts';

/** Where the draft stands: loaded, unsaved, saving, saved revision N, or why it is not saved. */
export function SaveStatus({
  save,
  readOnly,
  origin,
}: {
  save: SaveState & { saveNow(): void };
  readOnly: boolean;
  origin: string;
}) {
  if (readOnly) return <span className="save-status">{origin}</span>;
  const text = {
    new: `${origin}: not saved yet`,
    loaded: origin,
    unsaved: 'Unsaved changes',
    saving: 'Saving…',
    saved: `Saved revision ${save.revision}`,
    conflict: 'Not saved (the draft changed elsewhere)',
    error: `Save failed: ${save.error ?? ''}`,
  }[save.status];
  return (
    <span className={`save-status ${save.status}`} data-testid="save-status" aria-live="polite">
      {save.status === 'error' ? (
        <>
          <span role="alert">{text}</span>{' '}
          <button type="button" onClick={save.saveNow}>
            Retry save
          </button>
        </>
      ) : (
        text
      )}
    </span>
  );
}
