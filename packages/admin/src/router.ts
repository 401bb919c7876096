/**
 * Client-side routes under /admin/: the path is the state, so deep links and the back button work (the
 * server answers every deep link with index.html).
 */
import { useEffect, useState } from "preact/hooks";

export const BASE = "/admin";

/** The path below /admin (`/users`), `/` for the start page. */
export function currentRoute(): string {
  const path = window.location.pathname.slice(BASE.length) || "/";
  return path === "/" ? "/users" : path.replace(/\/$/, "");
}

export function navigate(route: string) {
  window.history.pushState(null, "", `${BASE}${route}`);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener("popstate", update);
    return () => window.removeEventListener("popstate", update);
  }, []);
  return route;
}

/** A link that routes inside the page on a plain click and behaves as a link otherwise (new tab...). */
export function onLinkClick(route: string) {
  return (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(route);
  };
}
