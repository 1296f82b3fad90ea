// REST for providers, roles and "Test connection" (GET /api/models, PUT/DELETE
// /api/models/providers/{name}, PUT /api/models/roles, POST /api/models/test). API keys are
// write-only: the server only says whether one is set and where it comes from.
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/http";
import { MODELS_KEY, queryClient } from "../../stores/queryClient";

export interface ModelInfo {
  id: string;
  context_window: number | null;
  supports_fim: boolean;
}

/** `state`: local: not_started | starting | ready | crashed | failed; others: ready | unreachable. */
export type ProviderState = "not_started" | "starting" | "ready" | "crashed" | "failed" | "unreachable";

export interface ProviderInfo {
  name: string;
  kind: string;
  origin: "builtin" | "settings" | "user";
  base_url: string | null;
  api_key_env: string | null;
  has_api_key: boolean;
  key_source: string;
  key_setting: string;
  timeout: number;
  connect_timeout?: number;
  context_window: number | null;
  /** The model list typed in the settings (offered when the server cannot list its own). */
  configured_models?: string[];
  reachable?: boolean;
  /** Absent on servers that predate it: fall back to `reachable`. */
  state?: ProviderState | (string & {});
  detail?: string;
  latency_ms?: number | null;
  models?: ModelInfo[];
}

export interface RoleInfo {
  provider?: string;
  model?: string;
  /** null when the role is off (e.g. embed left on the embedded model). */
  ref: string | null;
  off?: boolean;
  detail?: string;
}

export interface ModelsResponse {
  roles: Record<string, RoleInfo>;
  providers: ProviderInfo[];
  problems: string[];
}

export interface ProviderUpdate {
  kind: string;
  base_url?: string | null;
  /** Write-only: undefined keeps the stored key, "" clears it. */
  api_key?: string;
  api_key_env?: string | null;
  /** A number; text the user typed that is not one is sent as is, for the server to refuse. */
  context_window?: number | string | null;
  models?: string[];
  timeout?: number;
  connect_timeout?: number;
}

export interface TestResult {
  ok: boolean;
  latency_ms: number | null;
  models: ModelInfo[];
  detail: string;
}

const enc = encodeURIComponent;

export const modelsApi = {
  get: (probe = true) => api<ModelsResponse>("/api/models", { query: { probe } }),
  putProvider: (name: string, body: ProviderUpdate) =>
    api<ProviderInfo>(`/api/models/providers/${enc(name)}`, { method: "PUT", body }),
  deleteProvider: (name: string) => api<null>(`/api/models/providers/${enc(name)}`, { method: "DELETE" }),
  putRoles: (roles: Record<string, string | null>) =>
    api<Pick<ModelsResponse, "roles" | "problems">>("/api/models/roles", { method: "PUT", body: { roles } }),
  /** Tries an unsaved provider config; nothing is stored. */
  test: (name: string, body: ProviderUpdate) =>
    api<TestResult>("/api/models/test", { method: "POST", body: { ...body, name } }),
  /** Restarts the embedded model now, forgetting earlier crashes. */
  restartLocal: () => api<{ state: string; detail: string | null }>("/api/models/local/restart", { method: "POST" }),
  testSaved: (name: string) => api<TestResult>(`/api/models/providers/${enc(name)}/test`, { method: "POST" }),
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
