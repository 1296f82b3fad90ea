// Same-origin JSON fetch wrapper: sends the XSRF double-submit header on state-changing
// requests and turns `{"detail": ...}` error bodies into ApiError so the UI can show them.

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly body: unknown;

  constructor(status: number, detail: string, body: unknown) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
    this.body = body;
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
}

export function buildUrl(path: string, query?: RequestOptions["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export function createApi(fetchImpl: FetchLike, getCookie: (name: string) => string | null = (n) => readCookie(n)) {
  return async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const method = (options.method ?? "GET").toUpperCase();
    const headers: Record<string, string> = { Accept: "application/json" };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    if (!SAFE_METHODS.has(method)) {
      const xsrf = getCookie("_xsrf");
      if (xsrf) headers["X-XSRF-Token"] = xsrf;
    }
    let response: Response;
    try {
      response = await fetchImpl(buildUrl(path, options.query), {
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
      if (response.status === 401) onUnauthorized?.();
      const raw = body && typeof body === "object" && "detail" in body ? body.detail : undefined;
      const fallback = `${method} ${path} failed: ${response.status} ${response.statusText}`.trim();
      throw new ApiError(response.status, detailToText(raw, typeof body === "string" && body ? body : fallback), body);
    }
    return body as T;
  };
}

export const api = createApi((input, init) => fetch(input, init));

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.detail;
  if (err instanceof Error) return err.message;
  return String(err);
}
