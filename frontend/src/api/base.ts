// Where the API lives. Local mode (`pairpad open`) serves the workbench at `/` and its API at
// `/api/...`; team mode (`pairpad serve`) serves a workspace's workbench at `/w/{id}/`, its API
// at `/w/{id}/api/...` and its Socket.IO namespace at `/w/{id}`. Everything that builds an API
// URL or opens the socket asks here, so the workbench itself never knows which mode it runs in.

const WORKSPACE_PATH = /^\/w\/([^/]+)(?:\/|$)/;

function currentPathname(): string {
  return globalThis.location?.pathname ?? "/";
}

/** The team workspace id named by the page's path (`/w/{id}/...`), or null in local mode. */
export function workspaceIdOf(pathname: string = currentPathname()): string | null {
  const match = WORKSPACE_PATH.exec(pathname);
  return match ? decodeURIComponent(match[1]) : null;
}

/** `/w/{id}` when the page is a team workspace, "" otherwise (local mode, team pages). */
export function workspaceBase(pathname: string = currentPathname()): string {
  const id = workspaceIdOf(pathname);
  return id === null ? "" : `/w/${encodeURIComponent(id)}`;
}

/** Prefixes an absolute API path with the workspace base: `/api/x` → `/w/{id}/api/x`. */
export function withBase(path: string, base: string = workspaceBase()): string {
  if (!base || !path.startsWith("/api/")) return path;
  return `${base}${path}`;
}

/** True when the page is served by `pairpad serve` (a team workspace), so sessions can be refreshed. */
export function isTeamWorkspace(pathname: string = currentPathname()): boolean {
  return workspaceIdOf(pathname) !== null;
}

/** `/signin?next=<the current path>`: where an expired team session goes. */
export function signInUrl(loc: Pick<Location, "pathname" | "search"> | undefined = globalThis.location): string {
  const next = loc ? `${loc.pathname}${loc.search}` : "/";
  return `/signin?next=${encodeURIComponent(next)}`;
}
