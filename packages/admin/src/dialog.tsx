/**
 * Modal dialogs: the browser traps focus, Escape closes them, and focus returns where it was. `ConfirmDialog`
 * is the one confirmation every destructive action goes through: Cancel has the focus, the action runs
 * with progress on its button, and a refusal shows the server's message without closing.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { ErrorAlert } from "./error-alert.tsx";
import { useSubmit } from "./submit.ts";

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  // A title id of its own: a dialog may open over another one (a confirmation over a form).
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} onCancel={onClose}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

export interface ConfirmDialogProps {
  /** A question naming the thing: "Delete alice?". */
  title: string;
  /** What the action does and whether it can be undone. */
  children: ComponentChildren;
  /** The confirming button, naming the action ("Delete user"). */
  confirmLabel: string;
  /** The button while the action runs ("Deleting…"). */
  busyLabel: string;
  /** The action; a rejection keeps the dialog open with the error's message. */
  action: () => Promise<unknown>;
  onClose: () => void;
  /** After the action succeeded (the caller closes the dialog, typically by unmounting it). */
  onDone: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, busyLabel, action, onClose, onDone }: ConfirmDialogProps) {
  const { busy, error, run } = useSubmit();

  return (
    <Dialog title={title} onClose={onClose}>
      {children}
      <ErrorAlert message={error} />
      <div class="dialog-actions">
        <button type="button" onClick={onClose} autofocus>
          Cancel
        </button>
        <button type="button" class="danger" onClick={() => run(action, onDone)} disabled={busy} aria-busy={busy}>
          {busy ? busyLabel : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
