/**
 * Loading what a page shows: the loading, error and ready states every page renders, and a reload. A
 * response that arrives after the page moved on (another role, another template) is dropped. With
 * `keepOnReload`, a reload (after a save, say) keeps what is on screen until the new answer arrives.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { errorMessage } from "./api.ts";

export type Loaded<T> = { state: "loading" } | { state: "error"; message: string } | { state: "ready"; value: T };

export function useLoaded<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  { keepOnReload = false } = {},
): [Loaded<T>, () => void, (value: T) => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  const [reloads, setReloads] = useState(0);
  const seenReloads = useRef(0);
  useEffect(() => {
    let current = true;
    const reloaded = reloads !== seenReloads.current;
    seenReloads.current = reloads;
    if (!(keepOnReload && reloaded)) setLoaded({ state: "loading" });
    load().then(
      (value) => current && setLoaded({ state: "ready", value }),
      (error) => current && setLoaded({ state: "error", message: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [...deps, reloads]);
  return [loaded, () => setReloads((count) => count + 1), (value) => setLoaded({ state: "ready", value })];
}
