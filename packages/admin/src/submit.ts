/**
 * Sending what a form or a confirmation asks for: `busy` while the action runs (for the button's label,
 * disabled and aria-busy), the server's message in `error` when it refuses, and the previous message
 * cleared when it is sent again. `busy` is reset before `onDone` runs, so `onDone` may close the dialog
 * (unmount the caller) and nothing sets the state of a component that is gone.
 */
import { useState } from "preact/hooks";
import { errorMessage } from "./api.ts";

export interface Submit {
  busy: boolean;
  error: string | null;
  /** For a refusal the page finds itself (a field that does not parse, say). */
  setError: (message: string | null) => void;
  /** Runs `action`, then `onDone` with its value; a rejection (or a throw in `onDone`) becomes `error`. */
  run: <T>(action: () => Promise<T>, onDone: (value: T) => void) => Promise<void>;
}

export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run<T>(action: () => Promise<T>, onDone: (value: T) => void) {
    setBusy(true);
    setError(null);
    try {
      const value = await action();
      setBusy(false);
      onDone(value);
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return { busy, error, setError, run };
}
