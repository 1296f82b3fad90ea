// Pure helpers of the Models settings: presets, the provider form <-> API body, role choices,
// and how a provider's state reads (colour, words).
import type { ModelsResponse, ProviderInfo, ProviderUpdate } from "./modelsApi";

export interface Preset {
  id: string;
  label: string;
  kind: "openai_compat" | "anthropic" | "ollama";
  name: string;
  base_url: string;
  api_key_env: string;
  hint: string;
}

export const PRESETS: Preset[] = [
  {
    id: "openai",
    label: "OpenAI",
    kind: "openai_compat",
    name: "openai",
    base_url: "https://api.openai.com/v1",
    api_key_env: "OPENAI_API_KEY",
    hint: "Reads the key from OPENAI_API_KEY unless you paste one.",
  },
  {
    id: "anthropic",
    label: "Anthropic",
    kind: "anthropic",
    name: "anthropic",
    base_url: "https://api.anthropic.com",
    api_key_env: "ANTHROPIC_API_KEY",
    hint: "Reads the key from ANTHROPIC_API_KEY unless you paste one.",
  },
  {
    id: "ollama",
    label: "Ollama",
    kind: "ollama",
    name: "ollama",
    base_url: "http://127.0.0.1:11434",
    api_key_env: "",
    hint: "Needs `ollama serve` running; no key.",
  },
  {
    id: "compat",
    label: "OpenAI-compatible server (LM Studio, vLLM, llama.cpp)",
    kind: "openai_compat",
    name: "server",
    base_url: "",
    api_key_env: "",
    hint: "Type the server's base URL, e.g. http://127.0.0.1:1234/v1. No key is sent unless you set one.",
  },
];

export const KINDS = ["openai_compat", "anthropic", "ollama"] as const;
export const ROLES = ["chat", "autocomplete", "edit", "apply", "embed"] as const;

export interface ProviderDraft {
  name: string;
  kind: string;
  base_url: string;
  /** Typed here only; never filled from the server. */
  api_key: string;
  clearKey: boolean;
  api_key_env: string;
  context_window: string;
  /** One model id per line or comma-separated. */
  models: string;
  timeout: number;
  connect_timeout: number;
  /** The saved provider being edited, or null for a new one. */
  existing: ProviderInfo | null;
}

export function draftFromPreset(preset: Preset, taken: string[] = []): ProviderDraft {
  let name = preset.name;
  for (let i = 2; taken.includes(name); i++) name = `${preset.name}${i}`;
  return {
    name,
    kind: preset.kind,
    base_url: preset.base_url,
    api_key: "",
    clearKey: false,
    api_key_env: preset.api_key_env,
    context_window: "",
    models: "",
    timeout: 120,
    connect_timeout: 5,
    existing: null,
  };
}

export function draftFromProvider(p: ProviderInfo): ProviderDraft {
  return {
    name: p.name,
    kind: p.kind,
    base_url: p.base_url ?? "",
    api_key: "",
    clearKey: false,
    api_key_env: p.api_key_env ?? "",
    context_window: p.context_window ? String(p.context_window) : "",
    models: (p.configured_models ?? []).join("\n"),
    timeout: p.timeout,
    connect_timeout: p.connect_timeout ?? 5,
    existing: p,
  };
}

export function parseModelList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n,]/)
        .map((m) => m.trim())
        .filter(Boolean),
    ),
  ];
}

/** The PUT/test body; a context window that is not a positive whole number is sent as typed
 * (the server's validation message is then shown as it is). */
export function draftToUpdate(d: ProviderDraft): ProviderUpdate {
  const window = d.context_window.trim();
  const body: ProviderUpdate = {
    kind: d.kind,
    base_url: d.base_url.trim() || null,
    api_key_env: d.api_key_env.trim() || null,
    context_window: !window ? null : /^\d+$/.test(window) ? Number(window) : window,
    models: parseModelList(d.models),
    timeout: d.timeout,
    connect_timeout: d.connect_timeout,
  };
  if (d.clearKey) body.api_key = "";
  else if (d.api_key) body.api_key = d.api_key;
  return body;
}

/** "key: set (stored in Pairpad)" — whether a key is there and where from, never the key. */
export function keyStatus(p: Pick<ProviderInfo, "has_api_key" | "key_source" | "api_key_env" | "kind">): string {
  if (p.kind === "local") return "no key needed";
  if (!p.has_api_key) return p.api_key_env ? `no key (${p.api_key_env} is not set)` : "no key";
  switch (p.key_source) {
    case "stored":
      return "key set (stored encrypted by Pairpad)";
    case "env":
      return `key set (from $${p.api_key_env ?? "env"})`;
    case "settings":
      return "key set (from config.toml)";
    default:
      return "key set";
  }
}

/** Every `provider:model` found (probed or configured), for the role dropdowns. */
export function modelOptions(data: ModelsResponse | undefined): string[] {
  const out: string[] = [];
  for (const p of data?.providers ?? []) {
    for (const m of p.models ?? []) out.push(`${p.name}:${m.id}`);
    for (const m of p.configured_models ?? []) out.push(`${p.name}:${m}`);
  }
  // A role's current model stays a choice even while its provider is unreachable.
  for (const r of Object.values(data?.roles ?? {})) if (r.ref) out.push(r.ref);
  return [...new Set(out)];
}

export type Tone = "ok" | "warn" | "down" | "idle";

/** How a provider's state reads; tolerates servers without `state` (then `reachable` decides). */
export function providerStatus(p: ProviderInfo): { tone: Tone; label: string; detail: string | null } {
  const detail = p.detail && p.detail !== "ok" ? p.detail : null;
  switch (p.state) {
    case "not_started":
      return { tone: "idle", label: "starts on first use", detail };
    case "starting":
      return { tone: "warn", label: "starting…", detail };
    case "crashed":
      return { tone: "down", label: "crashed", detail };
    case "failed":
      return { tone: "down", label: "failed", detail };
    case "unreachable":
      return { tone: "down", label: "unreachable", detail };
    case "ready":
      return { tone: "ok", label: p.latency_ms != null ? `ready · ${formatLatency(p.latency_ms)}` : "ready", detail };
  }
  if (p.reachable === undefined) return { tone: "idle", label: "not checked", detail };
  if (!p.reachable) return { tone: "down", label: "unreachable", detail };
  return {
    tone: "ok",
    label: p.latency_ms != null ? `reachable · ${formatLatency(p.latency_ms)}` : "reachable",
    detail,
  };
}

export function formatLatency(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
