// REST for providers, roles and "Test connection" (GET /api/models, PUT/DELETE
// /api/models/providers/{name}, PUT /api/models/roles, POST /api/models/test). API keys are
// write-only: the server only says whether one is set and where it comes from.
import { useQuery } from "@tanstack/react-query";
import { call, type Schema } from "../../api/schema";
import { MODELS_KEY, queryClient } from "../../stores/queryClient";

export type ModelInfo = Schema<"ModelEntry">;

/** `state`: local: not_started | starting | ready | crashed | failed; others: ready | unreachable. */
export type ProviderState = "not_started" | "starting" | "ready" | "crashed" | "failed" | "unreachable";

/**
 * A provider as GET /api/models lists it: a saved one (ProviderInfo) or, when probed, with its
 * probe's fields (ProbedProvider): those are optional here.
 */
export type ProviderInfo = Schema<"ProviderInfo"> &
  Partial<Omit<Schema<"ProbedProvider">, keyof Schema<"ProviderInfo">>>;

/** A role: assigned (`provider`, `model`, `ref`) or off (`ref: null`, with why in `detail`). */
export type RoleInfo = Schema<"RoleAssigned"> | Schema<"RoleOff">;

export type ModelsResponse = Omit<Schema<"ModelsOverview">, "providers"> & { providers: ProviderInfo[] };

/**
 * The body of PUT /api/models/providers/{name} and POST /api/models/test, as the form sends
 * it: `api_key` undefined keeps the stored key, "" clears it; a `context_window` the user typed
 * that is not a number is sent as is, for the server to refuse; timeouts left out keep theirs.
 */
export type ProviderUpdate = Omit<
  Schema<"ProviderUpdate">,
  "kind" | "context_window" | "timeout" | "connect_timeout"
> & {
  kind: string;
  context_window?: number | string | null;
  timeout?: number;
  connect_timeout?: number;
};

export type TestResult = Schema<"TestResult">;

const provider = (name: string) => ({ params: { name } });

export const modelsApi = {
  get: (probe = true) => call("get", "/api/models", { query: { probe } }).then((r): ModelsResponse => r),
  putProvider: (name: string, body: ProviderUpdate) =>
    call<"/api/models/providers/{name}", "put", ProviderUpdate>("put", "/api/models/providers/{name}", {
      ...provider(name),
      body,
    }),
  deleteProvider: (name: string) => call("delete", "/api/models/providers/{name}", provider(name)),
  putRoles: (roles: Record<string, string | null>) => call("put", "/api/models/roles", { body: { roles } }),
  /** Tries an unsaved provider config; nothing is stored. */
  test: (name: string, body: ProviderUpdate) =>
    call<"/api/models/test", "post", ProviderUpdate & { name: string }>("post", "/api/models/test", {
      body: { ...body, name },
    }),
  /** Restarts the embedded model now, forgetting earlier crashes. */
  restartLocal: () => call("post", "/api/models/local/restart"),
  testSaved: (name: string) => call("post", "/api/models/providers/{name}/test", provider(name)),
};

/** Providers (probed) and roles, shared by the settings section and the status bar item. */
export function useModels() {
  return useQuery({
    queryKey: MODELS_KEY,
    queryFn: () => modelsApi.get(true),
    staleTime: 30_000,
    // A model loading (the embedded one starts in the background) is asked again soon, so
    // "starting" does not linger on the status bar after it is ready.
    refetchInterval: (query) => (query.state.data?.providers.some((p) => p.state === "starting") ? 2_000 : 60_000),
    retry: false,
  });
}

export function refreshModels(): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: MODELS_KEY });
}
