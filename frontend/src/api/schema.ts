// The server's types, generated from its own schemas (`make api-types`, see
// scripts/gen_api_types.py): the HTTP API from the OpenAPI document (generated/openapi.ts), the
// Socket.IO server → client events from pairpad.events.schema (generated/events.ts). Nothing
// here is written by hand but the plumbing that looks a route's types up by its path.
import { api, type RequestOptions } from "./http";
import type { components, paths } from "./generated/openapi";

export type { ServerEvents } from "./generated/events";

/** A model of the OpenAPI document by name: `Schema<"FileContent">`. */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];

export type Path = keyof paths;
export type Method = "get" | "put" | "post" | "patch" | "delete";
/** The methods a path declares. */
export type MethodOf<P extends Path> = {
  [M in Method]: paths[P][M] extends undefined ? never : M;
}[Method];
type Op<P extends Path, M extends MethodOf<P>> = NonNullable<paths[P][M]>;

type SuccessCode = 200 | 201 | 202 | 204;
type JsonOf<R> = R extends { content: { "application/json": infer J } } ? J : never;
type Successes<P extends Path, M extends MethodOf<P>> =
  Op<P, M> extends { responses: infer R } ? R[Extract<keyof R, SuccessCode>] : never;
/** The JSON a route answers on success (`null` for an empty body, e.g. 204). */
export type ResponseOf<P extends Path, M extends MethodOf<P>> = [JsonOf<Successes<P, M>>] extends [never]
  ? null
  : JsonOf<Successes<P, M>>;
/** The JSON body a route takes. */
export type BodyOf<P extends Path, M extends MethodOf<P>> =
  Op<P, M> extends {
    requestBody?: { content: { "application/json": infer B } };
  }
    ? B
    : never;
/** A route's query parameters. */
export type QueryOf<P extends Path, M extends MethodOf<P>> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
/** A route's path parameters (`{name}` in the path). */
export type PathParamsOf<P extends Path, M extends MethodOf<P>> =
  Op<P, M> extends { parameters: { path?: infer Q } } ? NonNullable<Q> : never;

export interface CallOptions<P extends Path, M extends MethodOf<P>, Body = BodyOf<P, M>> {
  params?: PathParamsOf<P, M>;
  query?: QueryOf<P, M>;
  body?: Body;
  signal?: AbortSignal;
}

/** `/api/models/providers/{name}` with `{ name: "a b" }` → `/api/models/providers/a%20b`. */
export function fillPath(path: string, params?: Record<string, string | number>): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`${path}: no value for {${name}}`);
    return encodeURIComponent(String(value));
  });
}

/**
 * A typed call through `api` (same XSRF header, errors and 401 handling): the path, method,
 * parameters, body and answer all come from the OpenAPI document. `Body` widens the body
 * where the UI sends what the user typed for the server to refuse (models settings).
 */
export function call<P extends Path, M extends MethodOf<P>, Body = BodyOf<P, M>>(
  method: M,
  path: P,
  options: CallOptions<P, M, Body> = {},
): Promise<ResponseOf<P, M>> {
  const { params, query, body, signal } = options;
  return api<ResponseOf<P, M>>(fillPath(path, params), {
    method: method.toUpperCase(),
    query: query as RequestOptions["query"],
    body,
    signal,
  });
}
