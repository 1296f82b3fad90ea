// Same-origin JSON fetch wrapper: sends the XSRF double-submit header on state-changing
// requests and turns `{"detail": ...}` error bodies into ApiError so the UI can show them.
// In team mode it also prefixes the workspace's base path (`/w/{id}`, api/base.ts) and renews
// an expired session once (POST /api/auth/refresh) before giving up and going to /signin.
import { isTeamWorkspace, signInUrl, withBase, workspaceBase } from "./base";

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly body: unknown;
  /** Seconds to wait (a 429's or 503's Retry-After header), when the server said. */
  readonly retryAfter: number | null;

  constructor(status: number, detail: string, body: unknown, retryAfter: number | null = null) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function readCookie(name: string, cookieString: string = globalThis.document?.cookie ?? ""): string | null {
  for (const part of cookieString.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** Human-readable text for FastAPI's `detail`, which is a string or a list of validation errors. */
export function detailToText(detail: unknown, fallback: string): string {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    const items: unknown[] = detail;
    const parts = items.map((d) => {
      if (d && typeof d === "object" && "msg" in d) {
        const path: unknown[] = "loc" in d && Array.isArray(d.loc) ? d.loc : [];
        const loc = path.filter((l) => l !== "body").join(".");
        return loc ? `${loc}: ${String(d.msg)}` : String(d.msg);
      }
      return JSON.stringify(d);
    });
    return parts.join("; ") || fallback;
  }
  if (detail != null) return JSON.stringify(detail);
  return fallback;
}

let onUnauthorized: (() => void) | null = null;

/** Called when an API call answers 401: the session's cookie is no longer accepted. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface RequestOptions {
  method?: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  signal?: AbortSignal;
  /**
   * Team mode: when the session cannot be renewed, go to /signin (the default). False: just
   * throw the 401 (a page that works signed out too, e.g. an invitation).
   */
  authRedirect?: boolean;
}

/** `path` with the workspace base (`/w/{id}` in team mode, "" otherwise) and the query string. */
export function buildUrl(path: string, query?: RequestOptions["query"], base = ""): string {
  path = withBase(path, base);
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Where a renewed session comes from (team mode; the server's own path, never a workspace's). */
export const REFRESH_PATH = "/api/auth/refresh";

// Routes whose 401 means "wrong credentials", not "session expired": never refreshed.
const NO_REFRESH =
  /^\/api\/auth\/(login|register|refresh|mfa\/verify|password\/(forgot|reset)|verify-email|config|passkeys\/login\/)/;

/**
 * Renews the browser session (`POST /api/auth/refresh {cookie: true}`: the refresh cookie is
 * rotated, a new access cookie set). One refresh in flight at a time: every caller that hits a
 * 401 meanwhile waits for the same answer, so a rotated refresh token is never sent twice.
 */
export function createSessionRefresher(
  fetchImpl: FetchLike,
  getCookie: (name: string) => string | null = (n) => readCookie(n),
): () => Promise<boolean> {
  let inFlight: Promise<boolean> | null = null;
  const refreshOnce = async (): Promise<boolean> => {
    const headers: Record<string, string> = { Accept: "application/json", "Content-Type": "application/json" };
    const xsrf = getCookie("_xsrf");
    if (xsrf) headers["X-XSRF-Token"] = xsrf;
    try {
      const response = await fetchImpl(REFRESH_PATH, {
        method: "POST",
        headers,
        credentials: "same-origin",
        body: JSON.stringify({ cookie: true }),
      });
      return response.ok;
    } catch {
      return false;
    }
  };
  return () => {
    inFlight ??= refreshOnce().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}

/** Leaves for the sign-in page, coming back here afterwards. */
export function goToSignIn(): void {
  globalThis.location?.assign(signInUrl());
}

export interface ApiConfig {
  /** Prefix of API paths ("" or `/w/{id}`); a function is asked on every request. */
  base?: string | (() => string);
  /** Team mode: renews the session on a 401 (true: renewed, the request is retried once). */
  refresh?: () => Promise<boolean>;
  /** Team mode: the session is gone for good (default: go to /signin?next=…). */
  onSessionExpired?: () => void;
}

export function createApi(
  fetchImpl: FetchLike,
  getCookie: (name: string) => string | null = (n) => readCookie(n),
  config: ApiConfig = {},
) {
  const baseOf = typeof config.base === "function" ? config.base : () => (config.base as string | undefined) ?? "";

  async function send(path: string, method: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    if (!SAFE_METHODS.has(method)) {
      const xsrf = getCookie("_xsrf");
      if (xsrf) headers["X-XSRF-Token"] = xsrf;
    }
    try {
      return await fetchImpl(buildUrl(path, options.query, baseOf()), {
        method,
        headers,
        credentials: "same-origin",
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") throw err;
      throw new ApiError(0, "Cannot reach the Pairpad server (network error).", null);
    }
  }

  return async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const method = (options.method ?? "GET").toUpperCase();
    let response = await send(path, method, options);
    if (response.status === 401) {
      if (config.refresh && !NO_REFRESH.test(path)) {
        if (await config.refresh()) response = await send(path, method, options);
        if (response.status === 401 && options.authRedirect !== false) (config.onSessionExpired ?? goToSignIn)();
      } else if (!config.refresh) {
        onUnauthorized?.();
      }
    }
    const text = await response.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!response.ok) {
      const raw = body && typeof body === "object" && "detail" in body ? body.detail : undefined;
      const fallback = `${method} ${path} failed: ${response.status} ${response.statusText}`.trim();
      const retryAfter = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
      throw new ApiError(
        response.status,
        detailToText(raw, typeof body === "string" && body ? body : fallback),
        body,
        Number.isFinite(retryAfter) ? retryAfter : null,
      );
    }
    return body as T;
  };
}

const browserFetch: FetchLike = (input, init) => fetch(input, init);

/** Shared by the API wrapper and the socket: one refresh in flight for the whole page. */
export const refreshSession = createSessionRefresher(browserFetch);

/** The workbench's API: local mode as ever; in a team workspace `/w/{id}/api/...` with session renewal. */
export const api = createApi(
  browserFetch,
  undefined,
  isTeamWorkspace() ? { base: () => workspaceBase(), refresh: refreshSession } : {},
);

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.detail;
  if (err instanceof Error) return err.message;
  return String(err);
}
