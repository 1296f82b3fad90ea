// Settings: server-persisted (PUT /api/settings), read through TanStack Query, applied live.
import { useQuery } from "@tanstack/react-query";
import { create } from "zustand";
import { settingsApi } from "../api/endpoints";
import type { Settings } from "../api/types";
import { queryClient } from "./queryClient";
import { notifyError } from "./notifications";

export const DEFAULT_SETTINGS: Settings = {
  "editor.fontSize": 14,
  "editor.tabSize": 4,
  "editor.wordWrap": false,
  "editor.minimap": true,
  "editor.formatOnSave": false,
  "workbench.theme": "system",
};

export const SETTINGS_KEY = ["settings"] as const;

export function withDefaults(values: Partial<Settings> | undefined): Settings {
  return { ...DEFAULT_SETTINGS, ...(values ?? {}) };
}

export function useSettings(): Settings {
  const query = useQuery({
    queryKey: SETTINGS_KEY,
    queryFn: async () => (await settingsApi.get()).values,
    staleTime: Infinity,
  });
  return withDefaults(query.data);
}

export function currentSettings(): Settings {
  return withDefaults(queryClient.getQueryData<Partial<Settings>>(SETTINGS_KEY));
}

/** Applies the change at once (optimistic), persists it, and rolls back with a toast on error. */
export async function updateSettings(patch: Partial<Settings>): Promise<void> {
  const previous = queryClient.getQueryData<Partial<Settings>>(SETTINGS_KEY);
  queryClient.setQueryData<Partial<Settings>>(SETTINGS_KEY, { ...(previous ?? {}), ...patch });
  try {
    const merged = await settingsApi.update(patch);
    queryClient.setQueryData(SETTINGS_KEY, merged.values);
  } catch (err) {
    queryClient.setQueryData(SETTINGS_KEY, previous);
    notifyError("Could not save the setting", err);
  }
}

// ---- inline completion (completion/): on/off and the languages it is off for ----

export interface CompletionSettings {
  "completion.enabled": boolean;
  /** Monaco language ids completion never asks about. */
  "completion.disabledLanguages": string[];
}

export const DEFAULT_COMPLETION_SETTINGS: CompletionSettings = {
  "completion.enabled": true,
  "completion.disabledLanguages": [],
};

const COMPLETION_STORAGE_KEY = "pairpad.completionSettings";

function readLocalCompletion(): Partial<CompletionSettings> {
  try {
    const raw = globalThis.localStorage?.getItem(COMPLETION_STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Partial<CompletionSettings>) : {};
  } catch {
    return {};
  }
}

/**
 * Where the server's preferences do not (yet) know the completion keys, they are kept in this
 * browser's localStorage; once GET /api/settings answers them (the server lists every key it
 * knows, with its default), they are saved through PUT /api/settings like every other setting.
 */
const useLocalCompletion = create<Partial<CompletionSettings>>(() => readLocalCompletion());

function serverKnowsCompletion(values: Partial<Settings> | undefined): boolean {
  return !!values && "completion.enabled" in values;
}

function completionOf(values: Partial<Settings> | undefined, local: Partial<CompletionSettings>): CompletionSettings {
  const server = serverKnowsCompletion(values) ? (values as Partial<CompletionSettings>) : {};
  const merged = { ...DEFAULT_COMPLETION_SETTINGS, ...local, ...server };
  return {
    "completion.enabled": merged["completion.enabled"] !== false,
    "completion.disabledLanguages": Array.isArray(merged["completion.disabledLanguages"])
      ? merged["completion.disabledLanguages"]
      : [],
  };
}

export function useCompletionSettings(): CompletionSettings {
  const query = useQuery({
    queryKey: SETTINGS_KEY,
    queryFn: async () => (await settingsApi.get()).values,
    staleTime: Infinity,
  });
  const local = useLocalCompletion();
  return completionOf(query.data, local);
}

export function currentCompletionSettings(): CompletionSettings {
  return completionOf(queryClient.getQueryData<Partial<Settings>>(SETTINGS_KEY), useLocalCompletion.getState());
}

export async function updateCompletionSettings(patch: Partial<CompletionSettings>): Promise<void> {
  if (serverKnowsCompletion(queryClient.getQueryData<Partial<Settings>>(SETTINGS_KEY))) {
    await updateSettings(patch as Partial<Settings>);
    return;
  }
  const next = { ...useLocalCompletion.getState(), ...patch };
  useLocalCompletion.setState(next, true);
  try {
    globalThis.localStorage?.setItem(COMPLETION_STORAGE_KEY, JSON.stringify(next));
  } catch (err) {
    notifyError("Could not save the completion setting", err);
  }
}

/** Whether completion asks the server about a file of this language. */
export function completionEnabledFor(settings: CompletionSettings, language: string): boolean {
  return settings["completion.enabled"] && !settings["completion.disabledLanguages"].includes(language);
}
