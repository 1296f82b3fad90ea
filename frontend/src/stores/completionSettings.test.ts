import { beforeEach, describe, expect, it, vi } from "vitest";

const update = vi.fn(async (values: Record<string, unknown>) => ({ values }));
vi.mock("../api/endpoints", () => ({
  settingsApi: { get: vi.fn(), update: (values: Record<string, unknown>) => update(values) },
}));

const { queryClient } = await import("./queryClient");
const { SETTINGS_KEY, completionEnabledFor, currentCompletionSettings, updateCompletionSettings } =
  await import("./settings");

describe("completion settings", () => {
  beforeEach(() => {
    update.mockClear();
    queryClient.clear();
  });

  it("default: on for every language", () => {
    const settings = currentCompletionSettings();
    expect(settings["completion.enabled"]).toBe(true);
    expect(completionEnabledFor(settings, "python")).toBe(true);
  });

  it("a disabled language, or completion off, asks nothing", () => {
    const settings = { "completion.enabled": true, "completion.disabledLanguages": ["markdown"] };
    expect(completionEnabledFor(settings, "markdown")).toBe(false);
    expect(completionEnabledFor(settings, "python")).toBe(true);
    expect(completionEnabledFor({ ...settings, "completion.enabled": false }, "python")).toBe(false);
  });

  it("while the server's preferences do not know the keys, a change stays in the browser", async () => {
    queryClient.setQueryData(SETTINGS_KEY, { "editor.fontSize": 14 });
    await updateCompletionSettings({ "completion.disabledLanguages": ["plaintext"] });
    expect(update).not.toHaveBeenCalled();
    expect(currentCompletionSettings()["completion.disabledLanguages"]).toEqual(["plaintext"]);
  });

  it("once the server lists them, they are read from it and saved through PUT /api/settings", async () => {
    queryClient.setQueryData(SETTINGS_KEY, {
      "editor.fontSize": 14,
      "completion.enabled": false,
      "completion.disabledLanguages": [],
    });
    expect(currentCompletionSettings()["completion.enabled"]).toBe(false);
    await updateCompletionSettings({ "completion.enabled": true });
    expect(update).toHaveBeenCalledWith({ "completion.enabled": true });
    expect(currentCompletionSettings()["completion.enabled"]).toBe(true);
  });
});
