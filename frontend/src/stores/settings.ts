// Settings: server-persisted (PUT /api/settings), read through TanStack Query, applied live.
import { useQuery } from "@tanstack/react-query";
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
  "completion.enabled": true,
  "completion.disabledLanguages": [],
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

export type CompletionSettings = Pick<Settings, "completion.enabled" | "completion.disabledLanguages">;

function completionOf(settings: Settings): CompletionSettings {
  return {
    "completion.enabled": settings["completion.enabled"],
    "completion.disabledLanguages": settings["completion.disabledLanguages"],
  };
}

export function useCompletionSettings(): CompletionSettings {
  return completionOf(useSettings());
}

export function currentCompletionSettings(): CompletionSettings {
  return completionOf(currentSettings());
}

/** Saved through PUT /api/settings like every other preference. */
export function updateCompletionSettings(patch: Partial<CompletionSettings>): Promise<void> {
  return updateSettings(patch);
}

/** Whether completion asks the server about a file of this language. */
export function completionEnabledFor(settings: CompletionSettings, language: string): boolean {
  return settings["completion.enabled"] && !settings["completion.disabledLanguages"].includes(language);
}
