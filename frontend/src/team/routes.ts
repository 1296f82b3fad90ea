// The team pages by path (team.html is served for each of these in team mode).
export type Route =
  | { page: "home" }
  | { page: "signin" }
  | { page: "signup" }
  | { page: "account" }
  | { page: "link" }
  | { page: "team"; teamId: string }
  | { page: "invite"; token: string }
  | { page: "reset" }
  | { page: "verify" }
  | { page: "audit" }
  | { page: "notfound" };

const FIXED: Record<string, Route> = {
  "/": { page: "home" },
  "/signin": { page: "signin" },
  "/signup": { page: "signup" },
  "/account": { page: "account" },
  "/account/link": { page: "link" },
  "/reset-password": { page: "reset" },
  "/verify-email": { page: "verify" },
  "/admin/audit": { page: "audit" },
};

export function routeOf(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const fixed = FIXED[path];
  if (fixed) return fixed;
  let m = /^\/teams\/([^/]+)$/.exec(path);
  if (m) return { page: "team", teamId: decodeURIComponent(m[1]) };
  m = /^\/invite\/([^/]+)$/.exec(path);
  if (m) return { page: "invite", token: decodeURIComponent(m[1]) };
  return { page: "notfound" };
}
