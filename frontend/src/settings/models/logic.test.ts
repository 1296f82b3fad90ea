import { describe, expect, it } from "vitest";
import {
  draftFromPreset,
  draftFromProvider,
  draftToUpdate,
  keyStatus,
  modelOptions,
  PRESETS,
  providerStatus,
} from "./logic";
import type { ModelsResponse, ProviderInfo } from "./modelsApi";

const provider = (over: Partial<ProviderInfo> = {}): ProviderInfo => ({
  name: "lab",
  kind: "openai_compat",
  origin: "user",
  base_url: "http://127.0.0.1:1234/v1",
  api_key_env: null,
  has_api_key: false,
  key_source: "none",
  key_setting: "ai.providers.lab.api_key",
  timeout: 120,
  connect_timeout: 10,
  configured_models: [],
  context_window: null,
  ...over,
});

describe("presets", () => {
  const byId = Object.fromEntries(PRESETS.map((p) => [p.id, p]));
  it("fill kind, URL and key env as each service needs", () => {
    expect(byId.openai).toMatchObject({
      kind: "openai_compat",
      base_url: "https://api.openai.com/v1",
      api_key_env: "OPENAI_API_KEY",
    });
    expect(byId.anthropic).toMatchObject({
      kind: "anthropic",
      base_url: "https://api.anthropic.com",
      api_key_env: "ANTHROPIC_API_KEY",
    });
    expect(byId.ollama).toMatchObject({ kind: "ollama", base_url: "http://127.0.0.1:11434", api_key_env: "" });
    // A local server: the URL is typed by the user and no env key is named (so none is sent).
    expect(byId.compat).toMatchObject({ kind: "openai_compat", base_url: "", api_key_env: "" });
  });
  it("never reuse a taken name", () => {
    expect(draftFromPreset(byId.openai, ["openai", "openai2"]).name).toBe("openai3");
  });
});

describe("the provider form", () => {
  it("sends the key only when typed, and '' only to remove it", () => {
    const d = draftFromProvider(provider({ has_api_key: true, key_source: "stored" }));
    expect(d.api_key).toBe(""); // never filled from the server
    expect("api_key" in draftToUpdate(d)).toBe(false); // keep the stored one
    expect(draftToUpdate({ ...d, api_key: "sk-new" }).api_key).toBe("sk-new");
    expect(draftToUpdate({ ...d, api_key: "sk-new", clearKey: true }).api_key).toBe("");
  });
  it("carries the context window and the model list, and round-trips them", () => {
    const d = {
      ...draftFromPreset(PRESETS[3]),
      base_url: " http://127.0.0.1:8080/v1 ",
      context_window: "4096",
      models: "qwen-7b\nllama-3, qwen-7b\n",
    };
    const body = draftToUpdate(d);
    expect(body).toMatchObject({
      base_url: "http://127.0.0.1:8080/v1",
      context_window: 4096,
      models: ["qwen-7b", "llama-3"],
      api_key_env: null,
    });
    const back = draftFromProvider(provider({ context_window: 4096, configured_models: ["qwen-7b", "llama-3"] }));
    expect(draftToUpdate(back)).toMatchObject({ context_window: 4096, models: ["qwen-7b", "llama-3"] });
  });
  it("passes a context window that is not a number to the server as typed (its message is shown)", () => {
    expect(draftToUpdate({ ...draftFromPreset(PRESETS[0]), context_window: "lots" }).context_window).toBe("lots");
    expect(draftToUpdate({ ...draftFromPreset(PRESETS[0]), context_window: " " }).context_window).toBeNull();
  });
});

describe("key status", () => {
  it("says whether a key is set and where from", () => {
    expect(keyStatus(provider({ has_api_key: true, key_source: "env", api_key_env: "OPENAI_API_KEY" }))).toBe(
      "key set (from $OPENAI_API_KEY)",
    );
    expect(keyStatus(provider({ has_api_key: true, key_source: "stored" }))).toContain("stored");
    expect(keyStatus(provider({ api_key_env: "GROQ_KEY" }))).toBe("no key (GROQ_KEY is not set)");
  });
});

describe("role choices", () => {
  it("list every model found or configured, as provider:model", () => {
    const data: ModelsResponse = {
      roles: {},
      problems: [],
      providers: [
        provider({
          name: "local",
          kind: "local",
          models: [{ id: "smollm2", context_window: 4096, supports_fim: false }],
        }),
        provider({
          models: [{ id: "qwen:7b", context_window: null, supports_fim: true }],
          configured_models: ["qwen:7b", "extra"],
        }),
      ],
    };
    expect(modelOptions(data)).toEqual(["local:smollm2", "lab:qwen:7b", "lab:extra"]);
  });

  it("keep a role's current model when its provider lists nothing (unreachable)", () => {
    const data: ModelsResponse = {
      roles: { chat: { provider: "down", model: "big", ref: "down:big", off: false } },
      problems: [],
      providers: [provider({ name: "down", reachable: false, state: "unreachable", models: [] })],
    };
    expect(modelOptions(data)).toEqual(["down:big"]);
  });
});

describe("provider status", () => {
  it("tells the embedded model's states apart", () => {
    expect(providerStatus(provider({ state: "not_started", reachable: true }))).toMatchObject({
      tone: "idle",
      label: "starts on first use",
    });
    const crashed = providerStatus(provider({ state: "crashed", reachable: false, detail: "killed by SIGILL" }));
    expect(crashed).toMatchObject({ tone: "down", label: "crashed", detail: "killed by SIGILL" });
    expect(providerStatus(provider({ state: "failed" })).tone).toBe("down");
  });
  it("shows an unreachable provider in red with its detail, even before `state` exists", () => {
    expect(providerStatus(provider({ reachable: false, detail: "unreachable at X" }))).toEqual({
      tone: "down",
      label: "unreachable",
      detail: "unreachable at X",
    });
    expect(providerStatus(provider({ state: "unreachable", reachable: false })).tone).toBe("down");
    expect(providerStatus(provider({ reachable: true, detail: "ok", latency_ms: 12.4 }))).toEqual({
      tone: "ok",
      label: "reachable · 12 ms",
      detail: null,
    });
  });
});
