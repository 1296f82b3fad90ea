// Client-side routing of the team pages by location.pathname (no router dependency): a store
// of the current path, pushState navigation, and the same-site `next=` check.
import { useSyncExternalStore } from "react";

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

const snapshot = () => `${location.pathname}${location.search}`;

/** The current path and query; re-renders on navigation (pushState here, or back/forward). */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, "http://x");
  return { pathname: url.pathname, search: url.searchParams };
}

/** A full page load (after signing in: the cookies changed; a workspace is another page). */
export function loadPage(url: string, replace = false): void {
  if (replace) location.replace(url);
  else location.assign(url);
}

/** Same-page navigation between team pages; a workspace (`/w/...`) is another page: load it. */
export function navigate(to: string, replace = false): void {
  if (to.startsWith("/w/") || to.startsWith("/api/")) {
    loadPage(to);
    return;
  }
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  window.scrollTo?.(0, 0);
  for (const l of listeners) l();
}

/**
 * Where to go after signing in: `next` when it is a path of this site (never another origin,
 * `//host`, `\` tricks or a script URL), else "/".
 */
export function safeNext(next: string | null | undefined, origin = "http://pairpad.invalid"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\\]/.test(next)) return "/";
  try {
    const url = new URL(next, origin);
    if (url.origin !== origin) return "/";
    if (url.pathname.startsWith("/api/")) return "/";
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/";
  }
}

/** `/signin?next=…` (or signup) coming back to `next`. */
export const withNext = (page: string, next: string) =>
  next && next !== "/" ? `${page}?next=${encodeURIComponent(next)}` : page;

/** The token of an emailed link: the server puts it in the fragment (`#token=…`, never sent
 * in a request, so never in an access log); `?token=` is accepted too. */
export function linkToken(search: URLSearchParams, hash: string = globalThis.location?.hash ?? ""): string | null {
  return new URLSearchParams(hash.replace(/^#/, "")).get("token") ?? search.get("token");
}
