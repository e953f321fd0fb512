import { useEffect, useRef, useState } from 'react';

/** Asks before cancelling, with an optional reason, kept with the execution and shown on its page. */
export function CancelDialog({ open, onConfirm, onClose }: { open: boolean; onConfirm(reason: string): void; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog ref={dialog} className="card cancel-dialog" aria-labelledby="cancel-title" onClose={onClose} data-testid="cancel-dialog">
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm(reason.trim());
        }}
      >
        <h2 id="cancel-title">Cancel this execution?</h2>
        <p className="muted">Running tasks are cancelled; the run ends as cancelled and cannot be resumed.</p>
        <label>
          reason (optional)
          <input name="cancel-reason" value={reason} onChange={(event) => setReason(event.target.value)} maxLength={500} />
        </label>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>Keep running</button>
          <button type="submit" className="danger">Cancel execution</button>
        </div>
      </form>
    </dialog>
  );
}
