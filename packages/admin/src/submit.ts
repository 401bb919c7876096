/**
 * Sending what a form, a confirmation or a row's button asks for: what is being sent in `busy` while the
 * action runs (for the button's label, disabled and aria-busy), the server's message in `error` when it
 * refuses, and the previous message cleared when it is sent again. `busy` is reset before `onDone` runs, so
 * `onDone` may close the dialog (unmount the caller) and nothing sets the state of a component that is gone.
 *
 * `useSubmit` is for a form's one button; `useKeyedSubmit` for a list whose rows each have their own (the
 * key says which row, role or tick is in flight).
 */
import { useState } from "preact/hooks";
import { errorMessage } from "./api.ts";

export interface KeyedSubmit<K> {
  /** The key of the action in flight, or null. */
  busy: K | null;
  error: string | null;
  /** For a refusal the page finds itself (a field that does not parse, say). */
  setError: (message: string | null) => void;
  /** Runs `action`, then `onDone` with its value; a rejection (or a throw in `onDone`) becomes `error`. */
  run: <T>(key: K, action: () => Promise<T>, onDone: (value: T) => void) => Promise<void>;
}

export function useKeyedSubmit<K>(): KeyedSubmit<K> {
  const [busy, setBusy] = useState<K | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run<T>(key: K, action: () => Promise<T>, onDone: (value: T) => void) {
    setBusy(key);
    setError(null);
    try {
      const value = await action();
      setBusy(null);
      onDone(value);
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(null);
    }
  }

  return { busy, error, setError, run };
}

export interface Submit extends Omit<KeyedSubmit<true>, "busy" | "run"> {
  busy: boolean;
  run: <T>(action: () => Promise<T>, onDone: (value: T) => void) => Promise<void>;
}

export function useSubmit(): Submit {
  const { busy, error, setError, run } = useKeyedSubmit<true>();
  return { busy: busy !== null, error, setError, run: (action, onDone) => run(true, action, onDone) };
}
